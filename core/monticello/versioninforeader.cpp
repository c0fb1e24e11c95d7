// VersionInfo::parse: the `version` member (and `dependencies/*` members) into a VersionInfo,
// read straight from its tokens: no tree of the text is built, so an ancestry hundreds of thousands
// of records deep costs its records and little more.

#include <QHash>

#include "sexpression.h"
#include "sexpressionreader.h"
#include "versioninfo.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        using Token = SExpressionReader::Token;

        // One record whose ')' has not been read yet.
        struct OpenRecord
        {
            enum class In
            {
                Fields,       // reading key/value pairs
                Ancestors,    // inside its ancestors list: records
                StepChildren, // inside its stepChildren list: records
            };
            qint64 offset = 0;
            VersionRecord fields;
            bool hasId = false;
            In in = In::Fields;
            QString key; // a key read, its value not yet
            qint64 keyOffset = -1;
        };

        // The resolved ancestors and stepChildren of an open record (indices into the records).
        using Children = std::pair<QList<qsizetype>, QList<qsizetype>>;

        // The fields a record's strings go into; nullptr for a key this reader does not know.
        QString *fieldFor(VersionRecord &record, const QString &key)
        {
            if (key == u"name")
                return &record.name;
            if (key == u"message")
                return &record.message;
            if (key == u"id")
                return &record.id;
            if (key == u"date")
                return &record.date;
            if (key == u"time")
                return &record.time;
            if (key == u"author")
                return &record.author;
            return nullptr;
        }

        // After the opening token of a value was read: reads to its end (a list's ')').
        Result<void> skipValue(SExpressionReader &reader, Token first)
        {
            int depth = first == Token::Open ? 1 : 0;
            while (depth > 0)
            {
                Result<Token> token = reader.next();
                if (!token)
                    return token.error();
                depth += token.value() == Token::Open ? 1 : token.value() == Token::Close ? -1 : 0;
            }
            return {};
        }

        // A record's key position holds something that is not a key. As the tree reader did,
        // an odd number of items in the record is the error to name ("a key without a value", at
        // its last item), else the item that is not a key. `reader` has just read `first`.
        Error notAKey(SExpressionReader reader, Token first, qint64 firstOffset)
        {
            qint64 remaining = 0;
            qint64 lastOffset = firstOffset;
            Token token = first;
            while (token != Token::Close && token != Token::End)
            {
                ++remaining;
                lastOffset = reader.offset();
                if (!skipValue(reader, token))
                    break;
                Result<Token> next = reader.next();
                if (!next)
                    break;
                token = next.value();
            }
            if (remaining % 2 != 0)
                return reader.errorAt(lastOffset, QStringLiteral("record has a key without a value"));
            return reader.errorAt(firstOffset, QStringLiteral("expected a key"));
        }
    }

    Result<VersionInfo> VersionInfo::parse(QByteArrayView member)
    {
        // The syntax first, as a whole: its errors come before any about the records.
        if (Result<void> syntax = SExpression::checkSyntax(member); !syntax)
            return syntax.error();
        SExpressionReader reader(member, detectEncoding(member));

        // Post-order, like Monticello's MCVersionInfoReader: a record's ancestors and stepChildren
        // are read before it, and the first record completed for an id is the one every later
        // mention of that id (a back-reference or a repeated full record) resolves to.
        VersionInfo info;
        QHash<QString, qsizetype> recordById;
        QHash<QString, QString> interned; // dates, times and authors repeat: one copy of each
        auto intern = [&interned](const QString &text) {
            const auto found = interned.constFind(text);
            return found != interned.cend() ? found.value() : interned.insert(text, text).value();
        };
        QList<OpenRecord> open;
        // The resolved children of each open record, kept apart so the stack stays small.
        QList<Children> children;

        auto close = [&](const OpenRecord &record, Children &&resolved) -> Result<qsizetype> {
            if (!record.hasId || record.fields.id.isEmpty())
                return reader.errorAt(record.offset, QStringLiteral("record has no id"));
            if (!isMonticelloId(record.fields.id))
                return reader.errorAt(record.offset, QStringLiteral("id '%1' is not a UUID").arg(record.fields.id.left(64)));
            if (const auto existing = recordById.constFind(record.fields.id); existing != recordById.cend())
                return existing.value();
            VersionRecord complete = record.fields;
            complete.ancestors = std::move(resolved.first);
            complete.stepChildren = std::move(resolved.second);
            const qsizetype index = info.m_records.size();
            recordById.insert(complete.id, index);
            info.m_records.append(std::move(complete));
            return index;
        };

        while (true)
        {
            const Token token = reader.next().value(); // checkSyntax read every token before
            const qint64 offset = reader.offset();
            if (token == Token::End)
                break;
            if (open.isEmpty() || open.last().in != OpenRecord::In::Fields)
            {
                // Where a record must start: the member itself, or an item of ancestors/stepChildren.
                if (!open.isEmpty() && token == Token::Close)
                {
                    open.last().in = OpenRecord::In::Fields;
                    continue;
                }
                if (token != Token::Open)
                    return reader.errorAt(offset, QStringLiteral("expected a version record '(name ...)'"));
                open.append(OpenRecord{offset, {}, false, OpenRecord::In::Fields, {}, -1});
                children.append(Children{});
                continue;
            }

            OpenRecord &record = open.last();
            if (record.keyOffset < 0)
            {
                if (token == Token::Close)
                {
                    const OpenRecord done = open.takeLast();
                    Result<qsizetype> index = close(done, children.takeLast());
                    if (!index)
                        return index.error();
                    if (open.isEmpty())
                    {
                        info.m_root = index.value();
                        continue; // only whitespace follows (checkSyntax)
                    }
                    auto &parent = children.last();
                    (open.last().in == OpenRecord::In::Ancestors ? parent.first : parent.second).append(index.value());
                    continue;
                }
                if (token != Token::Symbol)
                    return notAKey(reader, token, offset);
                record.key = reader.text();
                record.keyOffset = offset;
                continue;
            }

            // The value of record.key.
            const QString key = std::exchange(record.key, QString());
            const qint64 keyOffset = std::exchange(record.keyOffset, -1);
            if (token == Token::Close)
                return reader.errorAt(keyOffset, QStringLiteral("record has a key without a value"));
            if (key == u"ancestors" || key == u"stepChildren")
            {
                if (token != Token::Open)
                    return reader.errorAt(offset, QStringLiteral("'%1' must be a list of records").arg(key));
                record.in = key == u"ancestors" ? OpenRecord::In::Ancestors : OpenRecord::In::StepChildren;
                continue;
            }
            QString *field = fieldFor(record.fields, key);
            if (!field)
            {
                // A key this reader does not know: its value is skipped, as Monticello ignores it.
                if (Result<void> skipped = skipValue(reader, token); !skipped)
                    return skipped.error();
                continue;
            }
            if (token == Token::Open)
                return reader.errorAt(offset, QStringLiteral("'%1' must be a string, not a list").arg(key));
            *field = key == u"date" || key == u"time" || key == u"author" ? intern(reader.text()) : reader.text();
            if (key == u"id")
                record.hasId = true;
        }
        info.dropUnreachable();
        return info;
    }

    void VersionInfo::dropUnreachable()
    {
        // A record repeated with its own id inside its own ancestry resolves to the copy completed
        // first (as Monticello's reader resolves it); what the later copy listed is then reachable
        // from nowhere and, kept, would count as ancestry that is not there. Found by fuzzing
        // (tests/fuzz/regressions/versioninfo). Rare: a real member has no such records.
        QList<bool> reachable(m_records.size(), false);
        QList<qsizetype> pending{m_root};
        reachable[m_root] = true;
        qsizetype count = 1;
        while (!pending.isEmpty())
        {
            const VersionRecord &record = m_records.at(pending.takeLast());
            for (const QList<qsizetype> *links : {&record.ancestors, &record.stepChildren})
            {
                for (const qsizetype link : *links)
                {
                    if (!reachable[link])
                    {
                        reachable[link] = true;
                        pending.append(link);
                        ++count;
                    }
                }
            }
        }
        if (count == m_records.size())
            return;
        QList<qsizetype> moved(m_records.size(), -1);
        QList<VersionRecord> kept;
        kept.reserve(count);
        for (qsizetype index = 0; index < m_records.size(); ++index)
        {
            if (!reachable[index])
                continue;
            moved[index] = kept.size();
            kept.append(std::move(m_records[index]));
        }
        for (VersionRecord &record : kept)
        {
            for (QList<qsizetype> *links : {&record.ancestors, &record.stepChildren})
            {
                for (qsizetype &link : *links)
                    link = moved.at(link);
            }
        }
        m_root = moved.at(m_root);
        m_records = std::move(kept);
    }
}
