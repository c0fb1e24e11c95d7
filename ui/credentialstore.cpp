#include "credentialstore.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <qt6keychain/keychain.h>

namespace TwinTrunk::Ui
{
    namespace
    {
        const QString Service = QStringLiteral("TwinTrunk");

        // A keychain job must outlive its backend's callback: libsecret calls back into the job it
        // was given, with no way to cancel, even after the window that asked has closed. So a job
        // has no parent (it deletes itself once finished), and what it tells goes through a
        // connection to the store, which Qt drops if the store is gone by then.
        template<typename Job>
        Job *newJob()
        {
            auto *job = new Job(Service);
            job->setAutoDelete(true);
            job->setInsecureFallback(false);
            return job;
        }
    }

    QString CredentialStore::keyFor(const QUrl &server)
    {
        return server.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash).toString();
    }

    void CredentialStore::read(const QUrl &server, QObject *receiver, ReadDone done)
    {
        auto *job = newJob<QKeychain::ReadPasswordJob>();
        job->setKey(keyFor(server));
        connect(job, &QKeychain::Job::finished, receiver, [job, done = std::move(done)] {
            if (job->error() == QKeychain::EntryNotFound)
                return done({}, QString());
            if (job->error() != QKeychain::NoError)
                return done({}, tr("the OS keychain could not be read: %1").arg(job->errorString()));
            const QJsonObject entry = QJsonDocument::fromJson(job->textData().toUtf8()).object();
            done({entry.value(QStringLiteral("user")).toString(), entry.value(QStringLiteral("password")).toString()}, QString());
        });
        job->start();
    }

    void CredentialStore::write(const QUrl &server, const Repository::Credentials &credentials, QObject *receiver, WriteDone done)
    {
        auto *job = newJob<QKeychain::WritePasswordJob>();
        job->setKey(keyFor(server));
        job->setTextData(
            QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("user"), credentials.user}, {QStringLiteral("password"), credentials.password}})
                                  .toJson(QJsonDocument::Compact)));
        connect(job, &QKeychain::Job::finished, receiver, [job, done = std::move(done)] {
            done(job->error() == QKeychain::NoError ? QString() : tr("the OS keychain could not store it: %1").arg(job->errorString()));
        });
        job->start();
    }
}
