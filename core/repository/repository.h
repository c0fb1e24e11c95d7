#pragma once

#include <memory>

#include <QByteArray>
#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include "listing.h"
#include "reply.h"
#include "util/task.h"

namespace TwinTrunk::Repository
{
    // Who a version is, learned from the repository.
    struct VersionIdentity
    {
        QString fileName; // as listed
        QString name;     // the info name inside
        QString id;       // the UUID inside
        qint64 fileSize = -1;
        QString author;       // the info's author initials, when read
        QDateTime authoredAt; // the info's date and time as written (see VersionRecord::authoredAt)
    };

    // A version downloaded to a local temporary file, checksummed on the way.
    struct FetchedFile
    {
        QString path;      // in the folder the caller gave; the caller removes it
        QByteArray sha256; // hex
        qint64 size = 0;
    };

    // The size and SHA-256 of a file's bytes: what "the same bytes" is decided on.
    struct ContentDigest
    {
        qint64 size = -1;
        QByteArray sha256; // hex
        bool operator==(const ContentDigest &other) const = default;
    };

    // A local version file that passed checkLocalFile (localversion.h): sound, named as its info
    // says, with its digest. Uploads take only these.
    struct CheckedFile
    {
        QString path;
        VersionIdentity identity;
        ContentDigest digest;
        QStringList warnings; // e.g. a member's declared size is wrong (its CRC matches)
    };

    struct UploadResult
    {
        enum class Outcome
        {
            Uploaded,       // written, then read back whole: the repository holds exactly our bytes
            AlreadyPresent, // the name was there with the same id and a sound copy: nothing written
        };
        Outcome outcome = Outcome::Uploaded;
        VersionIdentity identity; // what the repository holds under the name afterwards
        ContentDigest digest;     // its copy, as read back
        // AlreadyPresent with other bytes: the same version (name and id) serialised otherwise,
        // as Monticello's copyAllFrom: does. Sound, so not damage; worth a note.
        bool sameBytes = true;
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
        // Where whole-file reads of the repository's own go (see probe); empty: the system's
        // temporary folder. The sync engine gives its scratch folder.
        QString scratchDirectory;
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
        static std::unique_ptr<Repository> create(const QString &serverName, const QUrl &location, const Credentials &credentials = {},
            const RepositoryOptions &options = {});

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
        // update map's identity is the SHA-256 of its bytes: see checkLocalFile).
        virtual ResultReply<VersionIdentity> *probe(const QString &project, const QString &fileName) = 0;

        // Downloads a version into a new temporary file in `directory`.
        virtual ResultReply<FetchedFile> *fetch(const QString &project, const QString &fileName, const QString &directory) = 0;

        // Reads a version file whole and hashes it, keeping none of it: the read-back that proves
        // what a repository holds.
        virtual ResultReply<ContentDigest> *digest(const QString &project, const QString &fileName) = 0;

        // Uploads a checked file under its name, only when that name is absent, then reads the
        // repository's copy back whole: unless its size and SHA-256 are the file's, the upload fails
        // with an error of kind Damaged naming both digests. A name that exists with the same id is
        // AlreadyPresent when the copy there is sound (read back whole; see UploadResult::sameBytes),
        // Damaged when it is not; a name that exists with another id is a Conflict error.
        // Never overwrites.
        virtual ResultReply<UploadResult> *upload(const QString &project, const CheckedFile &file) = 0;

        // Checks a local file (checkLocalFile: a .mcz under the name its info gives, which must be
        // `fileName` when given; a .mcm under `fileName`), then uploads it as above. A file that
        // fails the check is refused without a request.
        ResultReply<UploadResult> *uploadFile(const QString &project, const QString &localPath, const QString &fileName = QString());

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
        // A new reply that fails with `error` once the caller's event loop runs (a refusal found
        // before any request).
        template<typename T>
        ResultReply<T> *failedReply(const Error &error)
        {
            auto *reply = newReply<T>();
            QMetaObject::invokeMethod(
                reply, [reply, error] { reply->finishWithError(error); }, Qt::QueuedConnection);
            return reply;
        }
        void track(Reply *reply);
        // Cancels every unfinished reply; implementations call it first in their destructors.
        void abortPending();

    private:
        QList<QPointer<Reply>> m_pending;
    };

    // Whether a server's answer to a DELETE is its policy (403, 405: it never lets a name be reused)
    // rather than a fault: a wrong password (401) is not a policy, and stops what asked, to be run again.
    bool serverRefusesDeletes(const Error &error);

    // A private folder for one read, under `scratchDirectory` (the system's temporary folder when
    // empty), removed when the last holder lets go; an error naming where when none can be made
    // (a full disk, no permission), never a folder with no path.
    Result<std::shared_ptr<QTemporaryDir>> privateScratchFolder(const QString &scratchDirectory);

    // Downloads a (small) file whole into memory, through a temporary file in `scratchDirectory`
    // that is removed afterwards: update maps, the variants of a conflict.
    Task<Result<QByteArray>> fetchBytes(Repository &repository, QString project, QString fileName, QString scratchDirectory);
}
