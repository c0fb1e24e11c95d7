#pragma once

#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include "monticello/mczprefixreader.h"
#include "repository.h"

namespace TwinTrunk::Repository
{
    class HttpExchange;

    // A Monticello HTTP repository server (SqueakSource, or any server with an autoindex listing
    // and PUT): project P lives at <base URL>/P/.
    class HttpRepository final : public Repository
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(HttpRepository)

    public:
        // `network` may be given to share a connection pool or to inject faults in tests; by
        // default the repository owns its own.
        HttpRepository(const QString &serverName, const QUrl &baseUrl, const Credentials &credentials, const RepositoryOptions &options,
            QNetworkAccessManager *network = nullptr, QObject *parent = nullptr);
        ~HttpRepository() override;

        QString describe() const override;
        QUrl location() const override { return m_baseUrl; }

        ResultReply<Listing> *list(const QString &project, const Listing *previous = nullptr) override;
        ResultReply<PingResult> *ping(const QString &project) override;
        ResultReply<VersionIdentity> *probe(const QString &project, const QString &fileName) override;
        ResultReply<FetchedFile> *fetch(const QString &project, const QString &fileName, const QString &directory) override;
        ResultReply<ContentDigest> *digest(const QString &project, const QString &fileName) override;
        ResultReply<UploadResult> *upload(const QString &project, const CheckedFile &file) override;
        ResultReply<bool> *remove(const QString &project, const QString &fileName) override;

        // Set when credentials would cross a non-loopback network in clear text.
        QString credentialWarning() const;

    private:
        QUrl projectUrl(const QString &project) const;
        QUrl fileUrl(const QString &project, const QString &fileName) const;
        QString where(const QString &project) const;
        // A folder of its own for a whole-file read, removed when the last holder lets it go.
        HttpExchange *exchange(Reply *owner, const QString &project);
        std::optional<Error> checkNames(const QString &project, const QString &fileName, const QString &projectWhere) const;
        using ProbeDone = std::function<void(const std::optional<Error> &, const VersionIdentity &)>;
        // Reads the identity with Range requests of growing size (or a GET cut short when the
        // server ignores Range), falling back to a full download; counts bytes on `owner`.
        void probeInto(Reply *owner, const QString &project, const QString &fileName, ProbeDone done);
        void probeRange(Reply *owner, const QString &project, const QString &fileName, qint64 from, qint64 length,
            std::shared_ptr<Monticello::MczPrefixReader> reader, ProbeDone done);
        void probeByDownload(Reply *owner, const QString &project, const QString &fileName, const QString &reason, ProbeDone done);
        using DigestDone = std::function<void(const std::optional<Error> &, const ContentDigest &)>;
        // A whole GET, hashed as it arrives and kept nowhere; counts bytes on `owner`.
        void digestInto(Reply *owner, const QString &project, const QString &fileName, DigestDone done);
        // The steps of an upload: the name is there already (its id decides), or PUT; then the copy
        // is read back whole (see Repository::upload).
        void settleExistingName(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file);
        void putAndReadBack(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file);
        void readBack(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file, UploadResult::Outcome outcome);
        void settleOtherBytes(ResultReply<UploadResult> *reply, const QString &project, const CheckedFile &file, const ContentDigest &remote);

        QString m_serverName;
        QUrl m_baseUrl;
        Credentials m_credentials;
        RepositoryOptions m_options;
        QNetworkAccessManager *m_network;
    };
}
