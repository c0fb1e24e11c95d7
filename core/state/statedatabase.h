#pragma once

#include <memory>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "repository/listing.h"
#include "util/result.h"

namespace TwinTrunk::State
{
    // A version file as the state database remembers it for one server and project.
    struct StoredEntry
    {
        QString name;
        qint64 size = -1;
        QDateTime modified;
        QDateTime firstSeen;
        QDateTime lastSeen;
        bool present = true; // false: listed before, absent from the latest listing (a regression)
    };

    struct StoredIdentity
    {
        QString uuid;
        qint64 size = -1;
        QDateTime modified;
        QByteArray sha256;
        QString author;       // from the version info, when it was read
        QDateTime authoredAt; // likewise (see Monticello::VersionRecord::authoredAt)
    };

    // A listed version with the identity remembered for it, read in one pass (for status).
    struct KnownVersion
    {
        QString name;
        qint64 size = -1;
        QDateTime modified;
        QDateTime firstSeen;
        bool present = true;
        QString uuid; // empty when no identity is remembered
        qint64 identitySize = -1;
        QDateTime identityModified;
        QString author;       // with the identity, when its version info was read
        QDateTime authoredAt;

        // Versions are immutable: a remembered identity holds while the listing's size and date are
        // those it was read with (unknown ones do not count against it).
        bool identityHolds() const
        {
            return (identitySize < 0 || size < 0 || identitySize == size)
                && (!identityModified.isValid() || !modified.isValid() || identityModified == modified);
        }
    };

    struct JournalEntry
    {
        qint64 id = 0;
        QDateTime at;
        QString who;
        QString operation; // "copy", "sync", "list", ...
        QString project;
        QString name;
        QString source;
        QString target;
        QString result;    // "ok", "failed", "skipped", ...
        QString detail;
    };

    struct ListingRecord
    {
        QString etag;
        QString lastModified;
        QDateTime listedAt;
        qint64 entryCount = 0;
    };

    // One health probe of one server.
    struct HealthSample
    {
        QString server;
        QDateTime at;
        bool up = false;
        qint64 latencyMs = -1; // -1 when it never answered
        int httpStatus = 0;    // 0 for directory servers and failures before an answer
        QString error;         // empty when up
        QString errorClass;    // "dns", "refused", "tls", "timeout", "auth", "server", "http", "io", ...
    };

    struct HealthHistory
    {
        QDateTime lastSuccess; // invalid: never up
        QDateTime stateSince;  // the first sample of the current up/down run
    };

    // After a repoint: until `until`, late commits on the old primary go to the new one first.
    struct LateCommitWatch
    {
        QString oldPrimary;
        QString newPrimary;
        QDateTime startedAt;
        QDateTime until;
    };

    // A person's decision on a duplicate-name conflict.
    struct ConflictDecision
    {
        QString project;
        QString name;         // the file name
        QString decision;     // "keep" or "defer"
        QString chosenServer; // keep: the server whose variant is canonical
        QString chosenId;     // keep: that variant's id
        QString decidedBy;
        QDateTime decidedAt;
        QString note;
        bool replace = false; // keep: replace losing copies where the server permits
        QString status;       // keep: "in-progress" or "done"; defer: "deferred"
    };

    // A losing variant of a resolved conflict: kept, then published under a new name.
    struct ConflictRename
    {
        QString project;
        QString name;
        QString loserId;
        QString newName;        // file name
        QString quarantinePath; // the original bytes
        QByteArray sha256;      // hex, of the original bytes
    };

    // TwinTrunk's memory between runs, in SQLite (WAL) beside the workspace: listings per server and
    // project with first/last seen times, identities, conflicts and decisions, the operations
    // journal and health samples. Versioned with migrations. One writer at a time: SQLite's lock,
    // waited on for a while, then a clear Busy error; nothing is ever half-written.
    // A StateDatabase is used from the thread that opened it.
    class StateDatabase final
    {
    public:
        static constexpr int SchemaVersion = 6;

        static Result<std::unique_ptr<StateDatabase>> open(const QString &path, int busyTimeoutMs = 10000);
        ~StateDatabase();
        StateDatabase(const StateDatabase &) = delete;
        StateDatabase &operator=(const StateDatabase &) = delete;

        QString path() const { return m_path; }
        int schemaVersion() const;

        // A successful listing: entries are present now (first seen kept), the rest of what this
        // server listed before is marked absent, never deleted. Validators are kept for a 304.
        // A listing equal to the last one (same digest) only updates the time of the listing.
        Result<void> recordListing(const QString &server, const QString &project, const Repository::Listing &listing, const QDateTime &now);
        Result<QList<StoredEntry>> entries(const QString &server, const QString &project) const;
        Result<ListingRecord> listingRecord(const QString &server, const QString &project) const;

        // Every version the server listed for the project, with its remembered identity if any.
        // The author and date only when asked: status reads tens of thousands of rows on every run
        // and needs neither.
        enum class Authors
        {
            Skip,
            Read,
        };
        Result<QList<KnownVersion>> knownVersions(const QString &server, const QString &project, Authors authors = Authors::Skip) const;

        Result<void> recordIdentity(const QString &server, const QString &project, const QString &name, const StoredIdentity &identity);
        Result<QHash<QString, StoredIdentity>> identities(const QString &server, const QString &project) const;

        Result<qint64> appendJournal(const JournalEntry &entry);
        Result<QList<JournalEntry>> journalSince(const QDateTime &since, int limit = 100000) const;

        Result<void> recordHealthSample(const HealthSample &sample);
        // The newest `limit` samples of a server, oldest first.
        Result<QList<HealthSample>> healthSamples(const QString &server, int limit) const;
        Result<HealthHistory> healthHistory(const QString &server) const;

        Result<void> recordDecision(const ConflictDecision &decision);
        // Every decision, or those of one project.
        Result<QList<ConflictDecision>> decisions(const QString &project = QString()) const;
        Result<void> recordRename(const ConflictRename &rename);
        Result<QList<ConflictRename>> renames(const QString &project, const QString &name) const;

        Result<void> addLateCommitWatch(const LateCommitWatch &watch);
        Result<QList<LateCommitWatch>> lateCommitWatches(const QDateTime &activeAt) const;

    private:
        explicit StateDatabase(const QString &path, const QString &connection);
        Result<void> migrate();
        Error sqlError(const QString &what, const class QSqlError &error) const;
        QSqlDatabase database() const;

        QString m_path;
        QString m_connection;
    };

    // Who is doing something, for the journal: "user@host (twintrunkctl)".
    QString currentActor();
}
