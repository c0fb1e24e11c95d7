#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include "../util/result.h"

namespace TwinTrunk::Monticello
{
    // An update map (.mcm): the repositories it names and the versions an updating image loads.
    //   (
    //   name 'update-mt.480'
    //   repository ('http://source.squeak.org/trunk')
    //   dependency ('Kernel' 'Kernel-eem.1234' '<uuid>')
    //   )
    class UpdateMap final
    {
    public:
        struct Dependency
        {
            QString package;
            QString versionName;
            QString id;
        };

        static Result<UpdateMap> parse(QByteArrayView bytes);

        QString name() const { return m_name; }
        const QStringList &repositories() const { return m_repositories; }
        const QList<Dependency> &dependencies() const { return m_dependencies; }

    private:
        QString m_name;
        QStringList m_repositories;
        QList<Dependency> m_dependencies;
    };
}
