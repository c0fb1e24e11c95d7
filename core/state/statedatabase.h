#pragma once

#include <memory>
#include <optional>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

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
        QString author; // with the identity, when its version info was read
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
        QString result; // "ok", "failed", "skipped", ...
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

    // How many versions one server lacked of another's in one project, at a status (the history chart).
    struct BacklogSample
    {
        QDateTime at;
        QString project;
        QString from; // the server that has them
        QString to;   // the server that lacks them
        int versions = 0;
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
        QDateTime firstSeen;  // read back: when a second server listed the name (the decision's time if unknown)
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

    // What TwinTrunk knows of the bytes of one copy: one server's file of one version. Versions
    // never change, so the bytes first read whole and found sound (or written and read back by
    // TwinTrunk) are the ones that copy must always have. The same version may legitimately have
    // other bytes on another server (Monticello's copyAllFrom: re-serialises it): the recorded
    // digest is per copy, never compared with another server's to call one damaged.
    // The bytes a copy should hold (StateDatabase::recordDamage).
    struct ExpectedBytes
    {
        qint64 size = -1;
        QByteArray sha256;
    };

    struct CopyRecord
    {
        QString server;
        QString project;
        QString name;
        qint64 size = -1;  // recorded: -1 and an empty sha256 when no sound read was ever made
        QByteArray sha256; // hex
        QString uuid;
        QDateTime recordedAt;
        QDateTime readAt; // the last whole read that found it sound and equal to the record
        QString damage;   // why it is damaged, empty when it is not known to be
        QDateTime damagedAt;
        bool hasDigest() const { return !sha256.isEmpty(); }
        bool isDamaged() const { return !damage.isEmpty(); }
    };

    // Everything the state database remembers of one version, for its timeline in the console:
    // what each server listed, the bytes recorded for each copy, and the version's journal. A server
    // absent from `listed` never listed this name; absent from `projectListedAt` too, it never
    // listed the project, so whether it has the version is not known.
    struct VersionRecords
    {
        QHash<QString, StoredEntry> listed;        // server -> its listing entry of the version
        QHash<QString, QDateTime> projectListedAt; // server -> when it last listed the project
        QHash<QString, CopyRecord> copies;         // server -> the bytes recorded for its copy
        QList<JournalEntry> journal;               // oldest first
    };

    // A copy about to be written to a target, recorded before the write so that a run killed
    // between the write and its journal entry is accounted for by the next (see SyncEngine).
    struct CopyIntent
    {
        qint64 id = 0;
        QString project;
        QString name;
        QString source;
        QString target;
        qint64 size = -1;
        QByteArray sha256; // hex, of the bytes being written
        QDateTime startedAt;
        QString who;
        // The copy failed and that is journaled, but its bytes may have landed: the next run reads
        // the target and journals a copy found there, or drops the intent silently.
        bool failureJournaled = false;
    };

    // A listed copy and when it was last read whole (invalid: never), for the rolling verify.
    struct VerifyCandidate
    {
        QString server;
        QString project;
        QString name;
        qint64 knownSize = -1; // as listed, else as recorded when it was read; -1: unknown
        QDateTime readAt;
    };

    // How much of a project's listed copies were read whole (and found sound) and since when.
    struct VerificationCoverage
    {
        qint64 listed = 0;
        qint64 read = 0;      // of those, read whole and sound (damaged ones never count)
        QDateTime oldestRead; // the least recent of those reads
        // When the project was last fully verified: every listed copy read since; invalid when not.
        QDateTime fullyVerifiedAt() const { return listed > 0 && read == listed ? oldestRead : QDateTime(); }
    };

    // TwinTrunk's memory between runs, in SQLite (WAL) beside the workspace: listings per server and
    // project with first/last seen times, identities, conflicts and decisions, the operations
    // journal and health samples. Versioned with migrations. One writer at a time: SQLite's lock,
    // waited on for a while, then a clear Busy error; nothing is ever half-written.
    // A StateDatabase is used from the thread that opened it.
    class StateDatabase final
    {
    public:
        static constexpr int SchemaVersion = 10;

        // A file of 0 bytes is refused unless `emptyFile` says to start afresh: it is more likely a
        // state database whose contents were lost (a full disk, a bad restore) than a new one, and
        // starting afresh silently would lose the journal.
        enum class EmptyFile
        {
            Refuse,
            StartAfresh,
        };
        static Result<std::unique_ptr<StateDatabase>> open(const QString &path, int busyTimeoutMs = 10000, EmptyFile emptyFile = EmptyFile::Refuse);
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
        // The newest `limit` entries at or after `since` (all when invalid), oldest first.
        Result<QList<JournalEntry>> journalSince(const QDateTime &since, int limit = 100000) const;
        // Every entry about one version, oldest first.
        Result<QList<JournalEntry>> journalOf(const QString &project, const QString &name) const;

        // Server health (healthrecords.cpp): every probe, and each status's backlog.
        Result<void> recordHealthSample(const HealthSample &sample);
        // The newest `limit` samples of a server, oldest first.
        Result<QList<HealthSample>> healthSamples(const QString &server, int limit) const;
        Result<HealthHistory> healthHistory(const QString &server) const;
        // A server's samples since `since`, oldest first (at most `limit`, the newest).
        Result<QList<HealthSample>> healthSamplesSince(const QString &server, const QDateTime &since, int limit = 20000) const;
        // One status's backlogs; samples older than `keepDays` go at the same time.
        Result<void> recordBacklog(const QList<BacklogSample> &samples, int keepDays = 35);
        Result<QList<BacklogSample>> backlogSince(const QDateTime &since) const;

        Result<void> recordDecision(const ConflictDecision &decision);
        // Every decision, or those of one project.
        Result<QList<ConflictDecision>> decisions(const QString &project = QString()) const;
        Result<void> recordRename(const ConflictRename &rename);
        Result<QList<ConflictRename>> renames(const QString &project, const QString &name) const;

        // The bytes of copies (copyrecords.cpp). A sound whole read: records its digest when none
        // was recorded (or always, with Replace: TwinTrunk has just written these very bytes), and
        // clears a damage mark. The caller has compared it with the record.
        enum class Record
        {
            KeepRecorded,
            Replace,
        };
        Result<void> recordSoundCopy(const QString &server, const QString &project, const QString &name, qint64 size, const QByteArray &sha256,
            const QString &uuid, const QDateTime &now, Record record = Record::KeepRecorded);
        // Marks a copy damaged. `expected`: the bytes it should hold (a copy TwinTrunk wrote and read
        // back otherwise), kept as its digest when none was recorded, so a later whole read of the
        // wrong bytes is never taken for "sound and as recorded".
        Result<void> recordDamage(const QString &server, const QString &project, const QString &name, const QString &reason, const QDateTime &now,
            const ExpectedBytes &expected = {});
        Result<std::optional<CopyRecord>> copyRecord(const QString &server, const QString &project, const QString &name) const;
        // One version's listings, recorded bytes and journal (see VersionRecords), in one read.
        Result<VersionRecords> versionRecords(const QString &project, const QString &name) const;
        // Damaged copies still listed, of one project or all.
        Result<QList<CopyRecord>> damagedCopies(const QString &project = QString()) const;
        // Names of `project` held by several servers with the same id and sound, recorded, other bytes.
        Result<QStringList> otherBytesNames(const QString &project) const;
        // Listed copies of the projects, least recently read whole first (never read first).
        Result<QList<VerifyCandidate>> leastRecentlyRead(const QStringList &projects) const;
        Result<VerificationCoverage> verificationCoverage(const QString &project) const;

        Result<qint64> addCopyIntent(const CopyIntent &intent);
        Result<QList<CopyIntent>> copyIntents() const;
        // The copy's journal entry and the end of its intent, in one transaction.
        Result<qint64> finishCopyIntent(qint64 intentId, const JournalEntry &entry);
        // The copy's failure journaled, its intent kept for the next run to check (failureJournaled).
        Result<qint64> failCopyIntent(qint64 intentId, const JournalEntry &entry);
        Result<void> dropCopyIntent(qint64 intentId);

        Result<void> addLateCommitWatch(const LateCommitWatch &watch);
        Result<QList<LateCommitWatch>> lateCommitWatches(const QDateTime &activeAt) const;

    private:
        // The journal entry and a change to the copy's intent (`intentSql`, bound to its id), in one transaction.
        Result<qint64> journalWithIntent(qint64 intentId, const JournalEntry &entry, const QString &what, const QString &intentSql);
        // A new database made whole beside `path` and renamed into place (see the .cpp for why).
        static Result<void> create(const QString &path, int busyTimeoutMs);
        static Result<std::unique_ptr<StateDatabase>> openFile(const QString &path, int busyTimeoutMs);
        explicit StateDatabase(const QString &path, const QString &connection);
        // Prepares, binds `values` in order and runs `sql`; the error names `what`.
        Result<QSqlQuery> exec(const QString &what, const QString &sql, const QVariantList &values = {}) const;
        Result<void> migrate();
        Error sqlError(const QString &what, const class QSqlError &error) const;
        QSqlDatabase database() const;

        QString m_path;
        QString m_connection;
    };

    // Who is doing something, for the journal: "user@host (twintrunkctl)".
    QString currentActor();
}
