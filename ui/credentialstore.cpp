#include "credentialstore.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <qt6keychain/keychain.h>

namespace TwinTrunk::Ui
{
    namespace
    {
        const QString Service = QStringLiteral("TwinTrunk");
    }

    QString CredentialStore::keyFor(const QUrl &server)
    {
        return server.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash).toString();
    }

    void CredentialStore::read(const QUrl &server, ReadDone done)
    {
        auto *job = new QKeychain::ReadPasswordJob(Service, this);
        job->setKey(keyFor(server));
        job->setInsecureFallback(false);
        connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
            if (job->error() == QKeychain::EntryNotFound)
                return done({}, QString());
            if (job->error() != QKeychain::NoError)
                return done({}, tr("the OS keychain could not be read: %1").arg(job->errorString()));
            const QJsonObject entry = QJsonDocument::fromJson(job->textData().toUtf8()).object();
            done({entry.value(QStringLiteral("user")).toString(), entry.value(QStringLiteral("password")).toString()}, QString());
        });
        job->start();
    }

    void CredentialStore::write(const QUrl &server, const Repository::Credentials &credentials, WriteDone done)
    {
        auto *job = new QKeychain::WritePasswordJob(Service, this);
        job->setKey(keyFor(server));
        job->setInsecureFallback(false);
        job->setTextData(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("user"), credentials.user},
            {QStringLiteral("password"), credentials.password}}).toJson(QJsonDocument::Compact)));
        connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
            done(job->error() == QKeychain::NoError ? QString() : tr("the OS keychain could not store it: %1").arg(job->errorString()));
        });
        job->start();
    }
}
