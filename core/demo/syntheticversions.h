#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QRandomGenerator>
#include <QString>

#include "monticello/mczversion.h"

namespace TwinTrunk::Demo
{
    // Makes realistic Monticello versions: real ancestry chains per package, source.st with
    // classes and methods that evolve from one version to the next, Squeak-style dates.
    // Deterministic for a given seed, so demos and tests are reproducible.
    class SyntheticVersions final
    {
    public:
        explicit SyntheticVersions(quint32 seed = 20131107);

        struct Spec
        {
            QString package;
            QString author;
            qint64 number = 1;
            QDateTime timestamp;
            QString message;
            // Extra methods to pad the snapshot (a trunk Kernel version has thousands).
            int extraMethods = 0;
        };

        // A new version of spec.package whose ancestor is the last version made for that package
        // (none for the first); `variant` changes the id and code without changing the name, to
        // make duplicate-name conflicts.
        Monticello::MczVersion next(const Spec &spec, int variant = 0);

        // A version with an explicit ancestor (for inbox versions that branch off trunk).
        Monticello::MczVersion branch(const Spec &spec, const Monticello::VersionInfo &ancestor);

        // The last version made for a package (its info), or an empty info.
        Monticello::VersionInfo latest(const QString &package) const { return m_latest.value(package); }

        QString newId();

    private:
        Monticello::MczVersion make(const Spec &spec, const QList<Monticello::VersionInfo> &ancestors, int variant);
        QByteArray sourceFor(const Spec &spec, int variant);

        QRandomGenerator m_random;
        QHash<QString, Monticello::VersionInfo> m_latest;
    };

    // Squeak's date and time styles: "1 February 2021", "5:38:31 pm".
    QString squeakDate(const QDate &date);
    QString squeakTime(const QTime &time);
}
