#include "resolutionwords.h"

#include <QCoreApplication>

#include <algorithm>

namespace TwinTrunk::Presentation
{
    namespace
    {
        QString tr(const char *text)
        {
            return QCoreApplication::translate("TwinTrunk::Presentation", text);
        }

        // "box4's variant (4f3c2a1b)", or "the variant 4f3c2a1b" when no server is named.
        QString variantOf(const QString &server, const QString &id, bool map)
        {
            if (server.isEmpty())
                return (map ? tr("the map %1") : tr("the variant %1")).arg(shortId(id));
            return (map ? tr("%1's map (%2)") : tr("%1's variant (%2)")).arg(server, shortId(id));
        }

        // At the start of a sentence: "The variant 4f3c2a1b"; a server's name keeps its case.
        QString sentenceStart(const QString &text)
        {
            return text.startsWith(QStringLiteral("the ")) ? u'T' + text.mid(1) : text;
        }
    }

    QString shortId(const QString &id)
    {
        static const QString digest = QStringLiteral("sha256:");
        return (id.startsWith(digest) ? id.mid(digest.size()) : id).left(8);
    }

    QString resolutionQuestion(const Conflicts::ResolutionReport &report)
    {
        const bool map = report.name.endsWith(QStringLiteral(".mcm"));
        return tr("Keep %1 of %2?").arg(variantOf(report.keep, report.keptId, map), report.name);
    }

    QStringList resolutionWords(const Conflicts::ResolutionReport &report, const QString &replaceControl)
    {
        using Fate = Conflicts::NameOnServer::Fate;
        const bool map = report.name.endsWith(QStringLiteral(".mcm"));
        const bool planned = report.dryRun;
        const QString kept = variantOf(report.keep, report.keptId, map);
        QStringList words;

        // First what images get: what each server holds under the name afterwards.
        for (const Conflicts::NameOnServer &server : report.underName)
        {
            const QString own = (map ? tr("%1's own map (%2)") : tr("%1's own variant (%2)")).arg(server.server, shortId(server.listed));
            switch (server.fate)
            {
            case Fate::Holds:
                words.append((planned ? tr("An image updating from %1 will load %2 as %3, as it does now.") : tr("An image updating from %1 loads %2 as %3."))
                                 .arg(server.server, kept, report.name));
                break;
            case Fate::Copy:
                words.append((planned ? tr("An image updating from %1 will load %2 as %3: %1 lacks that name, so it is copied there.")
                                      : tr("An image updating from %1 loads %2 as %3: it was copied there."))
                                 .arg(server.server, kept, report.name));
                break;
            case Fate::Replace:
                words.append((planned ? tr("An image updating from %1 will load %2 as %3 if %1 permits replacing a file; if it refuses (as "
                                           "SqueakSource does), %1 keeps %4 there.")
                                      : tr("An image updating from %1 loads %2 as %3: its copy was replaced."))
                                 .arg(server.server, kept, report.name, own));
                break;
            case Fate::Stays:
                words.append((planned ? tr("An image updating from %1 will still load %2 as %3: %1 keeps its copy under that name. Choose %4 to "
                                           "put %5 there instead.")
                                      : tr("An image updating from %1 still loads %2 as %3: %1 keeps its copy under that name."))
                                 .arg(server.server, own, report.name, replaceControl, kept));
                break;
            case Fate::Refused:
                words.append(tr("An image updating from %1 still loads %2 as %3: %1 does not let a file be replaced.").arg(server.server, own, report.name));
                break;
            }
        }

        // Then what becomes of the others: nothing is lost.
        for (const Conflicts::RenamedVariant &other : report.renamed)
        {
            // Where the bytes are kept is in the steps (the CLI's, the journal): a path is no decision.
            const QString which = sentenceStart(variantOf(other.server, other.id, map));
            if (other.newName.isEmpty())
            {
                words.append((planned ? tr("%1 is not lost: its bytes are kept, checksummed, in a folder beside the workspace's state database. It "
                                           "is not published under another name: it would become the newest map of its series, and images would "
                                           "follow it.")
                                      : tr("%1 is not lost: its bytes are kept in a folder beside the workspace's state database."))
                                 .arg(which));
                continue;
            }
            words.append((planned ? tr("%1 is not lost: its bytes are kept first, checksummed, in a folder beside the workspace's state database; "
                                       "then it is published on every server as %2, its id and ancestry unchanged.")
                                  : tr("%1 is now %2 on every server, its id and ancestry unchanged."))
                             .arg(which, other.newName));
        }

        // Last what is deleted.
        const bool replacing =
            std::any_of(report.underName.cbegin(), report.underName.cend(), [](const Conflicts::NameOnServer &server) { return server.fate == Fate::Replace; });
        if (planned)
            words.append(replacing ? tr("A copy is deleted only where it is replaced, and only after its bytes are kept. %1 is then no longer an "
                                        "open conflict.")
                                         .arg(report.name)
                                   : tr("Nothing is deleted. %1 is then no longer an open conflict.").arg(report.name));
        return words;
    }
}
