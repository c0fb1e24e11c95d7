#include "demoworkspace.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

#include "monticello/updatemap.h"
#include "monticello/versionname.h"
#include "syntheticversions.h"

namespace TwinTrunk::Demo
{
    using namespace TwinTrunk::Monticello;

    namespace
    {
        const QString markerFile = QStringLiteral(".twintrunk-demo");
        const QString primary = QStringLiteral("box2");
        const QString secondary = QStringLiteral("box4");

        struct TrunkPackage
        {
            QString name;
            QStringList authors;
            qint64 firstNumber;
            int versions;
        };

        const QList<TrunkPackage> trunkPackages{
            {QStringLiteral("Kernel"), {QStringLiteral("eem"), QStringLiteral("ul"), QStringLiteral("nice")}, 1420, 34},
            {QStringLiteral("Collections"), {QStringLiteral("ul"), QStringLiteral("mt"), QStringLiteral("ct")}, 960, 32},
            {QStringLiteral("Morphic"), {QStringLiteral("mt"), QStringLiteral("ct"), QStringLiteral("pre")}, 1780, 36},
            {QStringLiteral("System"), {QStringLiteral("dtl"), QStringLiteral("eem"), QStringLiteral("mt")}, 1310, 24},
            {QStringLiteral("Tools"), {QStringLiteral("mt"), QStringLiteral("ct"), QStringLiteral("cmm")}, 1050, 26},
            {QStringLiteral("Compiler"), {QStringLiteral("eem"), QStringLiteral("nice")}, 440, 20},
            {QStringLiteral("Files"), {QStringLiteral("dtl"), QStringLiteral("pre")}, 190, 14},
            {QStringLiteral("Network"), {QStringLiteral("pre"), QStringLiteral("dtl"), QStringLiteral("tpr")}, 250, 16},
        };

        const QStringList messages{
            QStringLiteral("Fix a regression in %1 when the receiver is empty."),
            QStringLiteral("Speed up %1 by avoiding a copy.\rThanks to the inbox contributors for the benchmark."),
            QStringLiteral("Merge the inbox change for %1."),
            QStringLiteral("Clean up %1: remove dead code, recategorize methods."),
            QStringLiteral("Better error message in %1, see the mailing-list thread."),
            QStringLiteral("Make %1 work with the new VM."),
        };

        Result<void> writeVersion(const QString &serverDir, const QString &project, const MczVersion &version, const QDateTime &modified)
        {
            const QString directory = QDir(serverDir).filePath(project);
            if (!QDir().mkpath(directory))
                return Error{directory, QStringLiteral("cannot create the folder")};
            Result<QByteArray> bytes = version.toBytes();
            if (!bytes)
                return bytes.error();
            const QString path = QDir(directory).filePath(VersionName::fileNameForInfoName(version.info().name()));
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes.value()) != bytes->size() || !file.commit())
                return Error{path, QStringLiteral("cannot write: %1").arg(file.errorString())};
            QFile written(path);
            if (written.open(QIODevice::ReadWrite))
                written.setFileTime(modified, QFileDevice::FileModificationTime);
            return {};
        }

        Result<void> writeText(const QString &path, const QByteArray &bytes)
        {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                return Error{path, QStringLiteral("cannot write: %1").arg(file.errorString())};
            return {};
        }

        class DemoBuilder
        {
        public:
            // With write false, only describes the demo (for a demo folder that already exists).
            DemoBuilder(const QString &directory, bool write) : m_directory(directory), m_write(write)
            {
                m_result.directory = directory;
                m_result.serverNames = {primary, secondary};
                m_result.projects = {QStringLiteral("trunk"), QStringLiteral("inbox"), QStringLiteral("treated")};
            }

            Result<DemoWorkspace> build()
            {
                if (Result<void> trunk = buildTrunk(); !trunk)
                    return trunk.error();
                if (Result<void> inbox = buildInboxAndTreated(); !inbox)
                    return inbox.error();
                m_result.workspaceFile = QDir(m_directory).filePath(QStringLiteral("twintrunk.json"));
                if (!m_write)
                    return m_result;
                if (Result<void> workspace = writeWorkspace(); !workspace)
                    return workspace.error();
                if (Result<void> marker = writeText(QDir(m_directory).filePath(markerFile), "TwinTrunk demo workspace\n"); !marker)
                    return marker.error();
                return m_result;
            }

        private:
            QString serverDir(const QString &server) const { return QDir(m_directory).filePath(server); }

            Result<void> write(const QString &server, const QString &project, const MczVersion &version, const QDateTime &when)
            {
                return m_write ? writeVersion(serverDir(server), project, version, when) : Result<void>();
            }

            // Writes a version to the given servers and counts it once.
            Result<void> place(const QString &project, const MczVersion &version, const QDateTime &when, const QStringList &servers)
            {
                for (const QString &server : servers)
                {
                    if (Result<void> written = write(server, project, version, when); !written)
                        return written;
                }
                ++m_result.versionCount;
                if (servers.size() == 1)
                {
                    const QString entry = project + u'/' + VersionName::fileNameForInfoName(version.info().name());
                    (servers.first() == primary ? m_result.onlyOnPrimary : m_result.onlyOnSecondary).append(entry);
                }
                return {};
            }

            Result<void> buildTrunk()
            {
                const QString project = QStringLiteral("trunk");
                QDateTime when(QDate(2026, 3, 2), QTime(9, 14, 5), Qt::UTC);
                QList<UpdateMap::Dependency> mapped;
                int step = 0;
                for (const TrunkPackage &package : trunkPackages)
                {
                    for (int i = 0; i < package.versions; ++i, ++step)
                    {
                        when = when.addSecs(3600 * 7 + (step * 7919) % 20000);
                        const QString author = package.authors.at(((i * 37 + step * 11) / 5) % package.authors.size());
                        SyntheticVersions::Spec spec{package.name, author, package.firstNumber + i, when,
                            messages.at((i + step) % messages.size()).arg(package.name), 0};
                        const MczVersion version = m_versions.next(spec);

                        // The newest trunk versions of Kernel and System were committed to box2
                        // and not copied yet; the newest Morphic ones went to box4 during an outage.
                        const int fromEnd = package.versions - i;
                        QStringList servers{primary, secondary};
                        if ((package.name == u"Kernel" && fromEnd <= 3) || (package.name == u"System" && fromEnd <= 2))
                            servers = {primary};
                        else if (package.name == u"Morphic" && fromEnd <= 2)
                            servers = {secondary};
                        // The split brain: the same name saved with other code on box4 while the
                        // servers could not see each other.
                        if (package.name == u"Collections" && fromEnd == 5)
                        {
                            SyntheticVersions::Spec twinSpec = spec;
                            twinSpec.timestamp = when.addSecs(95);
                            twinSpec.message = QStringLiteral("Saved again while box2 was unreachable.");
                            const MczVersion twin = m_versions.next(twinSpec, 1);
                            m_result.conflictProject = project;
                            m_result.conflictFileName = VersionName::fileNameForInfoName(version.info().name());
                            if (Result<void> written = write(primary, project, version, when); !written)
                                return written;
                            if (Result<void> written = write(secondary, project, twin, when.addSecs(95)); !written)
                                return written;
                            m_result.versionCount += 2;
                        }
                        else if (Result<void> placed = place(project, version, when, servers); !placed)
                        {
                            return placed;
                        }

                        // The update map is taken a few versions before the end of each package.
                        if (fromEnd == 4)
                            mapped.append({package.name, version.info().name(), version.info().id()});
                    }
                }
                return writeUpdateMap(project, mapped, when);
            }

            Result<void> writeUpdateMap(const QString &project, const QList<UpdateMap::Dependency> &mapped, const QDateTime &when)
            {
                QByteArray map = "(\rname 'update-mt.480'\rrepository ('http://source.squeak.org/trunk')\r";
                for (const UpdateMap::Dependency &dependency : mapped)
                {
                    map += "dependency ('" + dependency.package.toUtf8() + "' '" + dependency.versionName.toUtf8() + "' '" + dependency.id.toUtf8() + "')\r";
                }
                map += ")\r";
                const QString fileName = QStringLiteral("update-mt.480.mcm");
                m_result.updateMap = project + u'/' + fileName;
                if (!m_write)
                    return {};
                for (const QString &server : {primary, secondary})
                {
                    const QString path = QDir(QDir(serverDir(server)).filePath(project)).filePath(fileName);
                    if (Result<void> written = writeText(path, map); !written)
                        return written;
                    QFile file(path);
                    if (file.open(QIODevice::ReadWrite))
                        file.setFileTime(when, QFileDevice::FileModificationTime);
                }
                return {};
            }

            Result<void> buildInboxAndTreated()
            {
                // Inbox: contributions branching off trunk versions; treated: inbox versions that
                // were merged or declined, moved there by the release team.
                QDateTime when(QDate(2026, 5, 11), QTime(18, 2, 41), Qt::UTC);
                const QStringList contributors{QStringLiteral("jr"), QStringLiteral("lrnp"), QStringLiteral("kfr"), QStringLiteral("ms"), QStringLiteral("ccn"),
                    QStringLiteral("tobe")};
                int step = 0;
                for (const TrunkPackage &package : trunkPackages)
                {
                    for (int i = 0; i < 9; ++i, ++step)
                    {
                        when = when.addSecs(3600 * 11 + (step * 104729) % 30000);
                        const QString author = contributors.at((step * 7) % contributors.size());
                        const qint64 number = package.firstNumber + package.versions + 1 + i;
                        SyntheticVersions::Spec spec{package.name, author, number, when, messages.at((i + step + 3) % messages.size()).arg(package.name), 0};
                        const MczVersion version = m_versions.branch(spec, m_versions.latest(package.name));
                        const QString project = i < 4 ? QStringLiteral("treated") : QStringLiteral("inbox");
                        // The last inbox submission of two packages reached only one server.
                        QStringList servers{primary, secondary};
                        if (i == 8 && package.name == u"Tools")
                            servers = {secondary};
                        else if (i == 8 && package.name == u"Network")
                            servers = {primary};
                        if (Result<void> placed = place(project, version, when, servers); !placed)
                            return placed;
                    }
                }
                return {};
            }

            Result<void> writeWorkspace()
            {
                QJsonArray servers;
                for (const QString &server : m_result.serverNames)
                {
                    QJsonObject entry{{QStringLiteral("name"), server},
                        {QStringLiteral("url"), QString(QUrl::fromLocalFile(serverDir(server)).toString() + u'/')}};
                    if (server == primary)
                        entry.insert(QStringLiteral("primary"), true);
                    servers.append(entry);
                }
                const QJsonObject workspace{
                    {QStringLiteral("servers"), servers},
                    {QStringLiteral("projects"), QJsonArray::fromStringList(m_result.projects)},
                    {QStringLiteral("sync"), QJsonObject{{QStringLiteral("jobs"), 4}}},
                };
                return writeText(m_result.workspaceFile, QJsonDocument(workspace).toJson(QJsonDocument::Indented));
            }

            QString m_directory;
            bool m_write;
            SyntheticVersions m_versions;
            DemoWorkspace m_result;
        };
    }

    QString defaultDemoDirectory()
    {
        return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(QStringLiteral("demo"));
    }

    Result<DemoWorkspace> createDemoWorkspace(const QString &directory)
    {
        const QDir dir(directory);
        if (dir.exists() && !dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden) && !dir.exists(markerFile))
        {
            return Error{directory,
                QStringLiteral("the folder is not empty and is not a TwinTrunk demo: "
                               "choose an empty or new folder (nothing here was changed)")};
        }
        const QString absolute = QDir(directory).absolutePath();
        if (dir.exists(markerFile))
        {
            // An existing demo may have been replicated or resolved since: describe it, change nothing.
            return DemoBuilder(absolute, false).build();
        }
        if (!QDir().mkpath(directory))
            return Error{directory, QStringLiteral("cannot create the folder")};
        return DemoBuilder(absolute, true).build();
    }
}
