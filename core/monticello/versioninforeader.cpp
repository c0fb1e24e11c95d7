// VersionInfo::parse: the `version` member (and `dependencies/*` members) into a VersionInfo.

#include <QHash>

#include "sexpression.h"
#include "versioninfo.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        // Reads one record's key/value pairs into fields, and names the child records to read
        // before it (ancestors, then stepChildren, in order).
        struct RecordSyntax
        {
            VersionRecord fields;
            QList<qsizetype> ancestorNodes;
            QList<qsizetype> stepChildNodes;
            bool hasId = false;
        };

        Result<RecordSyntax> readRecordSyntax(const SExpression &expression, QByteArrayView bytes, qsizetype nodeIndex)
        {
            const SExpression::Node &node = expression.node(nodeIndex);
            if (node.kind != SExpression::Kind::List)
                return expression.errorAt(bytes, nodeIndex, QStringLiteral("expected a version record '(name ...)'"));
            if (node.children.size() % 2 != 0)
            {
                return expression.errorAt(bytes, node.children.last(),
                    QStringLiteral("record has a key without a value"));
            }

            RecordSyntax record;
            for (qsizetype i = 0; i < node.children.size(); i += 2)
            {
                const SExpression::Node &key = expression.node(node.children.at(i));
                const qsizetype valueIndex = node.children.at(i + 1);
                const SExpression::Node &value = expression.node(valueIndex);
                if (key.kind != SExpression::Kind::Symbol)
                    return expression.errorAt(bytes, node.children.at(i), QStringLiteral("expected a key"));

                if (key.text == u"ancestors" || key.text == u"stepChildren")
                {
                    if (value.kind != SExpression::Kind::List)
                    {
                        return expression.errorAt(bytes, valueIndex,
                            QStringLiteral("'%1' must be a list of records").arg(key.text));
                    }
                    (key.text == u"ancestors" ? record.ancestorNodes : record.stepChildNodes) = value.children;
                    continue;
                }

                QString *field = nullptr;
                if (key.text == u"name")
                    field = &record.fields.name;
                else if (key.text == u"message")
                    field = &record.fields.message;
                else if (key.text == u"id")
                    field = &record.fields.id;
                else if (key.text == u"date")
                    field = &record.fields.date;
                else if (key.text == u"time")
                    field = &record.fields.time;
                else if (key.text == u"author")
                    field = &record.fields.author;
                else
                    continue; // A key this reader does not know: ignored, as Monticello ignores it.

                if (value.kind == SExpression::Kind::List)
                {
                    return expression.errorAt(bytes, valueIndex,
                        QStringLiteral("'%1' must be a string, not a list").arg(key.text));
                }
                *field = value.text;
                if (key.text == u"id")
                    record.hasId = true;
            }

            if (!record.hasId || record.fields.id.isEmpty())
                return expression.errorAt(bytes, nodeIndex, QStringLiteral("record has no id"));
            if (!isMonticelloId(record.fields.id))
            {
                return expression.errorAt(bytes, nodeIndex,
                    QStringLiteral("id '%1' is not a UUID").arg(record.fields.id.left(64)));
            }
            return record;
        }
    }

    Result<VersionInfo> VersionInfo::parse(QByteArrayView member)
    {
        Result<SExpression> parsed = SExpression::parse(member);
        if (!parsed)
            return parsed.error();
        const SExpression &expression = parsed.value();

        // Post-order, like Monticello's MCVersionInfoReader: a record's ancestors and stepChildren
        // are read before it, and the first record completed for an id is the one every later
        // mention of that id (a back-reference or a repeated full record) resolves to.
        struct Frame
        {
            qsizetype node;
            bool childrenPushed;
        };
        VersionInfo info;
        QHash<QString, qsizetype> recordById;
        QHash<qsizetype, qsizetype> recordByNode;
        QHash<qsizetype, RecordSyntax> pendingSyntax;
        QList<Frame> stack{{expression.rootIndex(), false}};

        while (!stack.isEmpty())
        {
            Frame &frame = stack.last();
            const qsizetype nodeIndex = frame.node;
            if (!frame.childrenPushed)
            {
                frame.childrenPushed = true;
                Result<RecordSyntax> syntax = readRecordSyntax(expression, member, nodeIndex);
                if (!syntax)
                    return syntax.error();
                const QList<qsizetype> children = syntax->ancestorNodes + syntax->stepChildNodes;
                pendingSyntax.insert(nodeIndex, std::move(syntax).value());
                for (qsizetype i = children.size() - 1; i >= 0; --i)
                    stack.append({children.at(i), false});
                continue;
            }

            stack.removeLast();
            RecordSyntax syntax = pendingSyntax.take(nodeIndex);
            const auto existing = recordById.constFind(syntax.fields.id);
            if (existing != recordById.cend())
            {
                recordByNode.insert(nodeIndex, existing.value());
                continue;
            }
            VersionRecord record = std::move(syntax.fields);
            for (const qsizetype child : syntax.ancestorNodes)
                record.ancestors.append(recordByNode.value(child));
            for (const qsizetype child : syntax.stepChildNodes)
                record.stepChildren.append(recordByNode.value(child));
            const qsizetype index = info.m_records.size();
            recordById.insert(record.id, index);
            recordByNode.insert(nodeIndex, index);
            info.m_records.append(std::move(record));
        }

        info.m_root = recordByNode.value(expression.rootIndex());
        return info;
    }
}
