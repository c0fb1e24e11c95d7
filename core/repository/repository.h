#pragma once

#include <memory>

#include <QByteArray>
#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include "listing.h"
#include "reply.h"

namespace TwinTrunk::Repository
{
    // Who a version is, learned from the repository.
    struct VersionIdentity
    {
        QString fileName;   // as listed
        QString name;       // the info name inside
        QString id;         // the UUID inside
        qint64 fileSize = -1;
        QString author;     // the info's author initials, when read
        QDateTime authoredAt; // the info's date and time as written (see VersionRecord::authoredAt)
    };

    // A version downloaded to a local temporary file, checksummed on the way.
    struct FetchedFile
    {
        QString path;       // in the folder the caller gave; the caller removes it
        QByteArray sha256;  // hex
        qint64 size = 0;
    };

    struct UploadResult
    {
        enum class Outcome
        {
            Uploaded,       // written, then verified on the repository
            AlreadyPresent, // the name was there with the same id: nothing to do
        };
        Outcome outcome = Outcome::Uploaded;
        VersionIdentity identity; // what the repository holds under the name afterwards
    };

    // A server answered a health probe.
    struct PingResult
    {
        int httpStatus = 0; // 0 for directory servers
    };

    // Credentials for one server. They are sent only to that server's scheme, host and port,
    // and never written to logs or errors.
    struct Credentials
    {
        QString user;
        QString password;
        bool isEmpty() const { return user.isEmpty() && password.isEmpty(); }
    };

    // Bounds and patience for talking to a repository.
    struct RepositoryOptions
    {
        ListingLimits listingLimits;
        qint64 maxVersionBytes = 256 * 1024 * 1024;
        int idleTimeoutMs = 30000;      // no byte moved for this long: give up (connect included)
        int listingTimeoutMs = 120000;  // a whole listing
        int transferTimeoutMs = 600000; // a whole download or upload
        int retries = 3;                // for GET and HEAD only
        int retryDelayMs = 500;         // doubled after each retry
        qint64 probeRangeBytes = 16 * 1024;
    };

    // A Monticello repository server: projects are repositories at <location>/<project>.
    // Every operation is asynchronous; the returned reply belongs to the caller.
    class Repository : public QObject
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(Repository)

    public:
        explicit Repository(QObject *parent = nullptr) : QObject(parent) {}
        ~Repository() override;

        // An http(s) URL (a SqueakSource server) or a file URL / folder (a directory of projects).
        static std::unique_ptr<Repository> create(const QString &serverName, const QUrl &location,
            const Credentials &credentials = {}, const RepositoryOptions &options = {});

        // The server's name and location, without credentials: for messages.
        virtual QString describe() const = 0;
        virtual QUrl location() const = 0;

        // The project's version files. With `previous`, an unchanged listing may come back as
        // notModified (HTTP 304) without a body.
        virtual ResultReply<Listing> *list(const QString &project, const Listing *previous = nullptr) = 0;

        // Whether the server answers for the project right now: the start of its listing (HTTP, the
        // rest is not read) or the project folder (directory). For health probes.
        virtual ResultReply<PingResult> *ping(const QString &project) = 0;

        // The name and id inside a listed version, reading as little of it as possible (an
        // update map's identity is the SHA-256 of its bytes: see identifyLocalFile).
        virtual ResultReply<VersionIdentity> *probe(const QString &project, const QString &fileName) = 0;

        // Downloads a version into a new temporary file in `directory`.
        virtual ResultReply<FetchedFile> *fetch(const QString &project, const QString &fileName, const QString &directory) = 0;

        // Uploads a local .mcz under the file name its info name gives (or a .mcm under
        // `fileName`), only when that name is absent; a name that exists with the same identity is
        // AlreadyPresent, with another a Conflict error. Never overwrites. Verifies afterwards.
        // When `fileName` is given for a .mcz, the version inside must have that name.
        virtual ResultReply<UploadResult> *upload(const QString &project, const QString &localPath, const QString &fileName = QString()) = 0;

        // Deletes a version file, for a conflict resolution that replaces a losing copy (its bytes
        // kept first). Many servers refuse (SqueakSource never reuses a name): then an error of kind
        // Forbidden or HttpError (405), and nothing changed.
        virtual ResultReply<bool> *remove(const QString &project, const QString &fileName) = 0;

    protected:
        // A new reply for the caller to own; remembered so that it can be cancelled if this
        // repository goes away first.
        template<typename T>
        ResultReply<T> *newReply()
        {
            auto *reply = new ResultReply<T>();
            track(reply);
            return reply;
        }
        void track(Reply *reply);
        // Cancels every unfinished reply; implementations call it first in their destructors.
        void abortPending();

    private:
        QList<QPointer<Reply>> m_pending;
    };

    // For the command line and tests: runs an event loop until the reply finished.
    void waitForFinished(Reply *reply);

    // Downloads a (small) file whole into memory, through a temporary file in `scratchDirectory`
    // that is removed afterwards: update maps, the variants of a conflict. Waits like waitForFinished.
    Result<QByteArray> fetchBytes(Repository &repository, const QString &project, const QString &fileName, const QString &scratchDirectory);
}
