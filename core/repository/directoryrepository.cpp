#include "directoryrepository.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QScopeGuard>
#include <QTemporaryFile>
#include <QThreadPool>
#include <QUuid>

#include "localversion.h"
#include "monticello/mczcheck.h"
#include "monticello/mczprefixreader.h"
#include "util/logging.h"
#include "util/platform.h"
#include "util/sha256.h"

namespace TwinTrunk::Repository
{
    namespace
    {
        Error ioError(const QString &where, const QString &message)
        {
            return Error{.where = where, .message = message, .kind = Error::Kind::Io};
        }
    }

    // Runs `work` on this repository's pool and completes the reply with its result on the
    // reply's thread (the caller's). The result is posted to the repository, which outlives its
    // pool's work (the destructor waits for it): the reply may be deleted meanwhile, and a
    // QPointer is only read on the thread that deletes it.
    template<typename T, typename Work>
    ResultReply<T> *DirectoryRepository::runAsync(Work work)
    {
        auto *reply = newReply<T>();
        QPointer<ResultReply<T>> guard(reply);
        m_pool.start([this, guard, work = std::move(work)]() mutable {
            qint64 bytes = 0;
            Result<T> result = work(bytes);
            QMetaObject::invokeMethod(
                this,
                [guard, result = std::move(result), bytes]() mutable {
                    if (!guard)
                        return;
                    guard->addBytesTransferred(bytes);
                    if (!result)
                        return guard->finishWithError(result.error());
                    guard->result() = std::move(result).value();
                    guard->finishSuccessfully();
                },
                Qt::QueuedConnection);
        });
        return reply;
    }

    DirectoryRepository::DirectoryRepository(const QString &serverName, const QString &folder, const RepositoryOptions &options, QObject *parent)
            : Repository(parent), m_serverName(serverName), m_folder(QDir(folder).absolutePath()), m_options(options)
    {
        m_pool.setMaxThreadCount(4);
    }

    DirectoryRepository::~DirectoryRepository()
    {
        abortPending();
        m_pool.waitForDone();
    }

    QString DirectoryRepository::describe() const
    {
        const QString folder = QDir::toNativeSeparators(m_folder);
        return m_serverName.isEmpty() ? folder : QStringLiteral("%1 (%2)").arg(m_serverName, folder);
    }

    QString DirectoryRepository::where(const QString &project) const
    {
        return describe() + u' ' + project;
    }

    Result<QString> DirectoryRepository::projectPath(const QString &project) const
    {
        if (const QString reason = unsafeFileNameReason(project); !reason.isEmpty())
            return Error{.where = describe(),
                .message = QStringLiteral("refused project '%1': %2").arg(project.left(80), reason),
                .kind = Error::Kind::Invalid};
        // The server's own folder gone (a disk not mounted, a share away) is a server that is down,
        // never a server with no projects: a sync must not "fill" it under the mount point.
        if (!QFileInfo(m_folder).isDir())
            return Error{.where = describe(),
                .message = QStringLiteral("the server's folder %1 is missing (not mounted?)").arg(QDir::toNativeSeparators(m_folder)),
                .kind = Error::Kind::Io};
        const QString path = QDir(m_folder).filePath(project);
        // Something else in the project's place (a file) is a listing that failed,
        // never a project "not there yet": a sync must not fill it, a repoint must not call it empty.
        if (const QFileInfo info(path); info.exists() && !info.isDir())
            return Error{.where = where(project), .message = QStringLiteral("%1 is not a folder").arg(QDir::toNativeSeparators(path)), .kind = Error::Kind::Io};
        if (!QFileInfo(path).isDir())
            return Error{.where = where(project),
                .message = QStringLiteral("no such project folder: %1").arg(QDir::toNativeSeparators(path)),
                .kind = Error::Kind::NotFound};
        return path;
    }

    Result<Listing> DirectoryRepository::listNow(const QString &project) const
    {
        Result<QString> folder = projectPath(project);
        if (!folder)
            return folder.error();
        Listing listing;
        const QFileInfoList files = QDir(folder.value()).entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo &file : files)
        {
            const QString name = file.fileName();
            if (!isVersionFileName(name))
                continue;
            if (const QString reason = unsafeFileNameReason(name); !reason.isEmpty())
            {
                listing.warnings.append(QStringLiteral("%1: dropped listing entry '%2': %3").arg(where(project), name.left(80), reason));
                continue;
            }
            if (listing.entries.size() >= m_options.listingLimits.maxEntries)
            {
                return Error{.where = where(project),
                    .message = QStringLiteral("more than %1 entries, the limit").arg(m_options.listingLimits.maxEntries),
                    .kind = Error::Kind::TooLarge};
            }
            listing.entries.append(ListingEntry{name, file.size(), file.lastModified().toUTC()});
        }
        return listing;
    }

    Result<QString> DirectoryRepository::versionPath(const QString &project, const QString &fileName) const
    {
        Result<QString> folder = projectPath(project);
        if (!folder)
            return folder.error();
        if (const QString reason = unsafeFileNameReason(fileName); !reason.isEmpty())
            return Error{.where = where(project),
                .message = QStringLiteral("refused file name '%1': %2").arg(fileName.left(80), reason),
                .kind = Error::Kind::Invalid};
        const QString path = QDir(folder.value()).filePath(fileName);
        if (!QFileInfo::exists(path))
            return Error{.where = where(project), .message = QStringLiteral("%1: not found").arg(fileName), .kind = Error::Kind::NotFound};
        return path;
    }

    Result<VersionIdentity> DirectoryRepository::probeNow(const QString &project, const QString &fileName, qint64 *bytesRead) const
    {
        Result<QString> found = versionPath(project, fileName);
        if (!found)
            return found.error();
        const QString path = found.value();
        QFile file(path);
        if (fileName.endsWith(QStringLiteral(".mcm")))
        {
            if (bytesRead)
                *bytesRead += file.size();
            Result<CheckedFile> checked = checkLocalFile(path, fileName); // an update map's identity is its bytes
            if (!checked)
                return checked.error();
            return checked->identity;
        }
        if (!file.open(QIODevice::ReadOnly))
            return ioError(path, QStringLiteral("cannot read: %1").arg(file.errorString()));

        // The same prefix reading as over HTTP: the head of the file, more only when needed.
        Monticello::MczPrefixReader reader;
        qint64 chunk = m_options.probeRangeBytes;
        while (reader.state() == Monticello::MczPrefixReader::State::NeedMore)
        {
            const QByteArray bytes = file.read(chunk);
            if (bytesRead)
                *bytesRead += bytes.size();
            if (bytes.isEmpty())
            {
                reader.finish();
                break;
            }
            reader.feed(bytes);
            chunk = std::min<qint64>(chunk * 4, 4 * 1024 * 1024);
        }
        VersionIdentity identity{fileName, reader.name(), reader.id(), file.size(), reader.author(), reader.authoredAt()};
        if (reader.state() == Monticello::MczPrefixReader::State::Found)
            return identity;

        // An unusual member order (or a damaged file): the whole archive, checked.
        Result<Monticello::MczSoundness> sound = Monticello::checkMczFile(path);
        if (bytesRead)
            *bytesRead += file.size();
        if (!sound)
            return sound.error();
        identity.name = sound->name;
        identity.id = sound->id;
        identity.author = sound->author;
        identity.authoredAt = sound->authoredAt;
        return identity;
    }

    Result<FetchedFile> DirectoryRepository::fetchNow(const QString &project, const QString &fileName, const QString &directory) const
    {
        Result<QString> found = versionPath(project, fileName);
        if (!found)
            return found.error();
        QFile source(found.value());
        if (!source.open(QIODevice::ReadOnly))
            return ioError(source.fileName(), QStringLiteral("cannot read: %1").arg(source.errorString()));
        if (source.size() > m_options.maxVersionBytes)
        {
            return Error{.where = where(project),
                .message = QStringLiteral("%1 is %2 bytes, over the limit of %3").arg(fileName).arg(source.size()).arg(m_options.maxVersionBytes),
                .kind = Error::Kind::TooLarge};
        }

        QTemporaryFile target(QDir(directory).filePath(fileName + QStringLiteral(".XXXXXX.part")));
        target.setAutoRemove(true);
        if (!target.open())
            return ioError(directory, QStringLiteral("cannot create a temporary file: %1").arg(target.errorString()));
        Sha256 hash;
        qint64 size = 0;
        while (!source.atEnd())
        {
            const QByteArray bytes = source.read(1024 * 1024);
            if (bytes.isEmpty() && source.error() != QFileDevice::NoError)
                return ioError(source.fileName(), QStringLiteral("read error: %1").arg(source.errorString()));
            if (target.write(bytes) != bytes.size())
                return ioError(target.fileName(), QStringLiteral("cannot write: %1").arg(target.errorString()));
            hash.addData(bytes);
            size += bytes.size();
            if (size > m_options.maxVersionBytes) // it grew while it was read: the limit holds for what is read
            {
                return Error{.where = where(project),
                    .message = QStringLiteral("%1 is over the limit of %2 bytes").arg(fileName).arg(m_options.maxVersionBytes),
                    .kind = Error::Kind::TooLarge};
            }
        }
        if (!target.flush())
            return ioError(target.fileName(), QStringLiteral("cannot write: %1").arg(target.errorString()));
        target.setAutoRemove(false);
        return FetchedFile{target.fileName(), hash.hexResult(), size};
    }

    Result<ContentDigest> DirectoryRepository::digestNow(const QString &project, const QString &fileName) const
    {
        Result<QString> found = versionPath(project, fileName);
        if (!found)
            return found.error();
        return digestOfFile(found.value());
    }

    Result<UploadResult> DirectoryRepository::settleExisting(const QString &project, const CheckedFile &file) const
    {
        const QString &name = file.identity.fileName;
        Result<VersionIdentity> existing = probeNow(project, name);
        if (!existing)
        {
            if (existing.error().kind != Error::Kind::Invalid)
                return existing.error();
            // Its start is unreadable: damaged, or another version that cannot be read. Not ours.
            return Error{.where = where(project),
                .message = QStringLiteral("'%1' exists but cannot be read (%2): not written, nothing overwritten").arg(name, existing.error().message),
                .kind = Error::Kind::Damaged};
        }
        if (existing->id != file.identity.id)
        {
            return Error{.where = where(project),
                .message = QStringLiteral("'%1' exists with another version (id %2, ours %3): not written, nothing overwritten")
                               .arg(name, existing->id, file.identity.id),
                .kind = Error::Kind::Conflict};
        }
        // One private copy, read once: its digest is what is compared and what is judged.
        Result<std::shared_ptr<QTemporaryDir>> scratch = privateScratchFolder(m_options.scratchDirectory);
        if (!scratch)
            return scratch.error();
        Result<FetchedFile> copy = fetchNow(project, name, scratch.value()->path());
        if (!copy)
            return copy.error();
        const ContentDigest there{copy->size, copy->sha256};
        if (there == file.digest)
            return UploadResult{UploadResult::Outcome::AlreadyPresent, existing.value(), there, true};
        return judgeCopyThere(where(project), file, checkLocalFile(copy->path, name, copy->sha256), there);
    }

    void DirectoryRepository::removeStalePartFiles(const QString &folder)
    {
        // A write killed midway (kill -9, a power cut) leaves its .part file in the server's own
        // folder; nothing else would remove it. Only old ones go: a younger one may be another
        // TwinTrunk's write under way into the same folder.
        constexpr qint64 StaleAfterSeconds = 24 * 3600;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QFileInfoList parts = QDir(folder).entryInfoList({QStringLiteral(".twintrunk-*.part")}, QDir::Files | QDir::Hidden);
        for (const QFileInfo &part : parts)
        {
            if (part.lastModified().secsTo(now) > StaleAfterSeconds && QFile::remove(part.absoluteFilePath()))
                qCInfo(Log::sync).noquote() << "removed" << part.absoluteFilePath() << "left by an interrupted write";
        }
    }

    Result<void> DirectoryRepository::writeNew(const CheckedFile &file, const QString &folder, const QString &targetPath, bool *nameTaken) const
    {
        removeStalePartFiles(folder);
        // QFile, not QTemporaryFile: a new file gets the mode the umask gives any file created in
        // the folder (0644 under 022), where QTemporaryFile's 0600 would hide the replica from a
        // SqueakSource or web server running as another user.
        QFile temporary(QDir(folder).filePath(QStringLiteral(".twintrunk-%1.part").arg(QUuid::createUuid().toString(QUuid::Id128))));
        if (!temporary.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return ioError(folder, QStringLiteral("cannot create a temporary file: %1").arg(temporary.errorString()));
        auto discard = qScopeGuard([&temporary] { temporary.remove(); });
        QFile source(file.path);
        if (!source.open(QIODevice::ReadOnly))
            return ioError(file.path, QStringLiteral("cannot read: %1").arg(source.errorString()));
        while (!source.atEnd())
        {
            const QByteArray bytes = source.read(1024 * 1024);
            if (bytes.isEmpty() && source.error() != QFileDevice::NoError)
                return ioError(file.path, QStringLiteral("read error: %1").arg(source.errorString()));
            if (temporary.write(bytes) != bytes.size())
                return ioError(temporary.fileName(), QStringLiteral("cannot write: %1").arg(temporary.errorString()));
        }
        if (!Platform::syncToDisk(temporary))
            return ioError(temporary.fileName(), QStringLiteral("cannot flush to disk: %1").arg(temporary.errorString()));
        temporary.close();
        if (!Platform::renameNoReplace(temporary.fileName(), targetPath, nameTaken))
        {
            if (*nameTaken)
                return ioError(targetPath, QStringLiteral("the name was taken meanwhile"));
            return ioError(targetPath, QStringLiteral("cannot move the new file into place"));
        }
        discard.dismiss();
        // The rename itself must survive a power cut: the copy is journaled as done next.
        if (!Platform::syncDirectory(folder))
            return ioError(folder, QStringLiteral("cannot flush the folder to disk"));
        return {};
    }

    Result<UploadResult> DirectoryRepository::uploadNow(const QString &project, const CheckedFile &file) const
    {
        const QString &name = file.identity.fileName;
        // Like create_full_put_path on a WebDAV server: the first version creates the project (in
        // the server's folder only when that folder is there: projectPath says so otherwise).
        if (unsafeFileNameReason(project).isEmpty() && QFileInfo(m_folder).isDir())
            QDir(m_folder).mkdir(project);
        Result<QString> folder = projectPath(project);
        if (!folder)
            return folder.error();
        if (const QString reason = unsafeFileNameReason(name); !reason.isEmpty())
            return Error{.where = where(project),
                .message = QStringLiteral("refused file name '%1': %2").arg(name.left(80), reason),
                .kind = Error::Kind::Invalid};
        const QString targetPath = QDir(folder.value()).filePath(name);
        if (QFileInfo::exists(targetPath))
            return settleExisting(project, file);

        bool nameTaken = false;
        if (Result<void> written = writeNew(file, folder.value(), targetPath, &nameTaken); !written)
            return nameTaken ? settleExisting(project, file) : written.error(); // someone else wrote the name first

        Result<ContentDigest> readBack = digestNow(project, name);
        if (!readBack)
            return readBack.error().within(QStringLiteral("reading the copy back"));
        if (readBack.value() != file.digest)
            return damagedOnTarget(where(project), file, readBack.value());
        return UploadResult{UploadResult::Outcome::Uploaded, file.identity, readBack.value(), true};
    }

    ResultReply<Listing> *DirectoryRepository::list(const QString &project, const Listing *)
    {
        return runAsync<Listing>([this, project](qint64 &) {
            Result<Listing> listing = listNow(project);
            return listing;
        });
    }

    ResultReply<PingResult> *DirectoryRepository::ping(const QString &project)
    {
        return runAsync<PingResult>([this, project](qint64 &) -> Result<PingResult> {
            Result<QString> folder = projectPath(project);
            if (!folder)
                return folder.error();
            if (!QFileInfo(folder.value()).isReadable())
                return Error{.where = where(project), .message = QStringLiteral("project folder is not readable"), .kind = Error::Kind::Forbidden};
            return PingResult{};
        });
    }

    ResultReply<VersionIdentity> *DirectoryRepository::probe(const QString &project, const QString &fileName)
    {
        return runAsync<VersionIdentity>([this, project, fileName](qint64 &bytes) { return probeNow(project, fileName, &bytes); });
    }

    ResultReply<FetchedFile> *DirectoryRepository::fetch(const QString &project, const QString &fileName, const QString &directory)
    {
        return runAsync<FetchedFile>([this, project, fileName, directory](qint64 &bytes) {
            Result<FetchedFile> file = fetchNow(project, fileName, directory);
            if (file)
                bytes = file->size;
            return file;
        });
    }

    ResultReply<bool> *DirectoryRepository::remove(const QString &project, const QString &fileName)
    {
        return runAsync<bool>([this, project, fileName](qint64 &) -> Result<bool> {
            if (const QString reason = unsafeFileNameReason(fileName); !reason.isEmpty())
                return Error{.where = where(project), .message = QStringLiteral("file name '%1': %2").arg(fileName, reason), .kind = Error::Kind::Unsafe};
            Result<QString> folder = projectPath(project);
            if (!folder)
                return folder.error();
            QFile file(QDir(folder.value()).filePath(fileName));
            if (!file.exists())
                return Error{.where = where(project), .message = QStringLiteral("no %1 to remove").arg(fileName), .kind = Error::Kind::NotFound};
            if (!file.remove())
                return Error{.where = where(project),
                    .message = QStringLiteral("cannot remove %1: %2").arg(fileName, file.errorString()),
                    .kind = Error::Kind::Io};
            return true;
        });
    }

    ResultReply<ContentDigest> *DirectoryRepository::digest(const QString &project, const QString &fileName)
    {
        return runAsync<ContentDigest>([this, project, fileName](qint64 &bytes) {
            Result<ContentDigest> digest = digestNow(project, fileName);
            if (digest)
                bytes = digest->size;
            return digest;
        });
    }

    ResultReply<UploadResult> *DirectoryRepository::upload(const QString &project, const CheckedFile &file)
    {
        return runAsync<UploadResult>([this, project, file](qint64 &bytes) {
            Result<UploadResult> result = uploadNow(project, file);
            if (result && result->outcome == UploadResult::Outcome::Uploaded)
                bytes = file.digest.size;
            return result;
        });
    }
}
