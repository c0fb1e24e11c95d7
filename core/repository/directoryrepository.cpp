#include "directoryrepository.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QPointer>
#include <QTemporaryFile>
#include <QThreadPool>

#include "localversion.h"
#include "monticello/mczprefixreader.h"
#include "monticello/mczversion.h"
#include "util/platform.h"

namespace TwinTrunk::Repository
{
    namespace
    {
        Error ioError(const QString &where, const QString &message)
        {
            return Error{where, message, -1, 0, 0, Error::Kind::Io};
        }
    }

    // Runs `work` on this repository's pool and completes the reply with its result on the
    // reply's thread (the caller's).
    template<typename T, typename Work>
    ResultReply<T> *DirectoryRepository::runAsync(Work work)
    {
        auto *reply = newReply<T>();
        QPointer<ResultReply<T>> guard(reply);
        m_pool.start([guard, work = std::move(work)]() mutable {
            qint64 bytes = 0;
            Result<T> result = work(bytes);
            QMetaObject::invokeMethod(guard.data(), [guard, result = std::move(result), bytes]() mutable {
                if (!guard)
                    return;
                guard->addBytesTransferred(bytes);
                if (!result)
                    return guard->finishWithError(result.error());
                guard->result() = std::move(result).value();
                guard->finishSuccessfully();
            }, Qt::QueuedConnection);
        });
        return reply;
    }

    DirectoryRepository::DirectoryRepository(const QString &serverName, const QString &folder, const RepositoryOptions &options,
        QObject *parent)
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
            return Error{describe(), QStringLiteral("refused project '%1': %2").arg(project.left(80), reason), -1, 0, 0, Error::Kind::Invalid};
        const QString path = QDir(m_folder).filePath(project);
        if (!QFileInfo(path).isDir())
            return Error{where(project), QStringLiteral("no such project folder: %1").arg(QDir::toNativeSeparators(path)), -1, 0, 0, Error::Kind::NotFound};
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
                return Error{where(project), QStringLiteral("more than %1 entries, the limit").arg(m_options.listingLimits.maxEntries),
                    -1, 0, 0, Error::Kind::TooLarge};
            }
            listing.entries.append(ListingEntry{name, file.size(), file.lastModified().toUTC()});
        }
        return listing;
    }

    Result<VersionIdentity> DirectoryRepository::probeNow(const QString &project, const QString &fileName, qint64 *bytesRead) const
    {
        Result<QString> folder = projectPath(project);
        if (!folder)
            return folder.error();
        if (const QString reason = unsafeFileNameReason(fileName); !reason.isEmpty())
            return Error{where(project), QStringLiteral("refused file name '%1': %2").arg(fileName.left(80), reason), -1, 0, 0, Error::Kind::Invalid};
        const QString path = QDir(folder.value()).filePath(fileName);
        QFile file(path);
        if (!file.exists())
            return Error{where(project), QStringLiteral("%1: not found").arg(fileName), -1, 0, 0, Error::Kind::NotFound};
        if (fileName.endsWith(QStringLiteral(".mcm")))
        {
            if (bytesRead)
                *bytesRead += file.size();
            return identifyLocalFile(path, fileName); // an update map's identity is its bytes
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

        Result<Monticello::MczVersion> version = Monticello::MczVersion::readFile(path, Monticello::MczArchive::Members::Metadata);
        if (bytesRead)
            *bytesRead += file.size();
        if (!version)
            return version.error();
        identity.name = version->info().name();
        identity.id = version->info().id();
        identity.author = version->info().author();
        identity.authoredAt = version->info().root().authoredAt();
        return identity;
    }

    Result<FetchedFile> DirectoryRepository::fetchNow(const QString &project, const QString &fileName, const QString &directory) const
    {
        Result<QString> folder = projectPath(project);
        if (!folder)
            return folder.error();
        if (const QString reason = unsafeFileNameReason(fileName); !reason.isEmpty())
            return Error{where(project), QStringLiteral("refused file name '%1': %2").arg(fileName.left(80), reason), -1, 0, 0, Error::Kind::Invalid};
        QFile source(QDir(folder.value()).filePath(fileName));
        if (!source.exists())
            return Error{where(project), QStringLiteral("%1: not found").arg(fileName), -1, 0, 0, Error::Kind::NotFound};
        if (!source.open(QIODevice::ReadOnly))
            return ioError(source.fileName(), QStringLiteral("cannot read: %1").arg(source.errorString()));
        if (source.size() > m_options.maxVersionBytes)
        {
            return Error{where(project), QStringLiteral("%1 is %2 bytes, over the limit of %3").arg(fileName).arg(source.size()).arg(m_options.maxVersionBytes),
                -1, 0, 0, Error::Kind::TooLarge};
        }

        QTemporaryFile target(QDir(directory).filePath(fileName + QStringLiteral(".XXXXXX.part")));
        target.setAutoRemove(true);
        if (!target.open())
            return ioError(directory, QStringLiteral("cannot create a temporary file: %1").arg(target.errorString()));
        QCryptographicHash hash(QCryptographicHash::Sha256);
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
        }
        if (!target.flush())
            return ioError(target.fileName(), QStringLiteral("cannot write: %1").arg(target.errorString()));
        target.setAutoRemove(false);
        return FetchedFile{target.fileName(), hash.result().toHex(), size};
    }

    Result<UploadResult> DirectoryRepository::uploadNow(const QString &project, const QString &localPath, const QString &fileName) const
    {
        Result<VersionIdentity> local = identifyLocalFile(localPath, fileName);
        if (!local)
            return local.error();
        // Like create_full_put_path on a WebDAV server: the first version creates the project.
        if (unsafeFileNameReason(project).isEmpty())
            QDir(m_folder).mkpath(project);
        Result<QString> folder = projectPath(project);
        if (!folder)
            return folder.error();
        const QString targetPath = QDir(folder.value()).filePath(local->fileName);

        auto settleExisting = [&]() -> Result<UploadResult> {
            Result<VersionIdentity> existing = probeNow(project, local->fileName);
            if (!existing)
                return existing.error();
            if (existing->id != local->id)
            {
                return Error{where(project), QStringLiteral("'%1' exists with another version (id %2, ours %3): not written, nothing overwritten")
                    .arg(local->fileName, existing->id, local->id), -1, 0, 0, Error::Kind::Conflict};
            }
            return UploadResult{UploadResult::Outcome::AlreadyPresent, existing.value()};
        };
        if (QFileInfo::exists(targetPath))
            return settleExisting();

        // Write beside the target, flush to disk, then rename without replacing (atomically: another
        // writer may have taken the name since the check above).
        QTemporaryFile temporary(QDir(folder.value()).filePath(QStringLiteral(".twintrunk-XXXXXX.part")));
        temporary.setAutoRemove(true);
        QFile source(localPath);
        if (!temporary.open())
            return ioError(folder.value(), QStringLiteral("cannot create a temporary file: %1").arg(temporary.errorString()));
        if (!source.open(QIODevice::ReadOnly))
            return ioError(localPath, QStringLiteral("cannot read: %1").arg(source.errorString()));
        while (!source.atEnd())
        {
            const QByteArray bytes = source.read(1024 * 1024);
            if (temporary.write(bytes) != bytes.size())
                return ioError(temporary.fileName(), QStringLiteral("cannot write: %1").arg(temporary.errorString()));
        }
        if (!Platform::syncToDisk(temporary))
            return ioError(temporary.fileName(), QStringLiteral("cannot flush to disk: %1").arg(temporary.errorString()));
        temporary.close();
        bool nameTaken = false;
        if (!Platform::renameNoReplace(temporary.fileName(), targetPath, &nameTaken))
        {
            if (nameTaken)
                return settleExisting(); // someone else wrote the name first
            return ioError(targetPath, QStringLiteral("cannot move the new file into place"));
        }
        temporary.setAutoRemove(false);

        Result<VersionIdentity> written = probeNow(project, local->fileName);
        if (!written)
            return written.error().within(QStringLiteral("verifying the write"));
        if (written->id != local->id)
            return Error{where(project), QStringLiteral("after writing, '%1' has id %2, not %3").arg(local->fileName, written->id, local->id),
                -1, 0, 0, Error::Kind::Conflict};
        return UploadResult{UploadResult::Outcome::Uploaded, written.value()};
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
                return Error{where(project), QStringLiteral("project folder is not readable"), -1, 0, 0, Error::Kind::Forbidden};
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
                return Error{where(project), QStringLiteral("file name '%1': %2").arg(fileName, reason), -1, 0, 0, Error::Kind::Unsafe};
            Result<QString> folder = projectPath(project);
            if (!folder)
                return folder.error();
            QFile file(QDir(folder.value()).filePath(fileName));
            if (!file.exists())
                return Error{where(project), QStringLiteral("no %1 to remove").arg(fileName), -1, 0, 0, Error::Kind::NotFound};
            if (!file.remove())
                return Error{where(project), QStringLiteral("cannot remove %1: %2").arg(fileName, file.errorString()), -1, 0, 0, Error::Kind::Io};
            return true;
        });
    }

    ResultReply<UploadResult> *DirectoryRepository::upload(const QString &project, const QString &localPath, const QString &fileName)
    {
        return runAsync<UploadResult>([this, project, localPath, fileName](qint64 &) { return uploadNow(project, localPath, fileName); });
    }
}
