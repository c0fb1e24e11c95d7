// VersionInfo::serialize: the `version` member exactly as Monticello's MCVersionInfoWriter emits it.

#include <QSet>

#include "versioninfo.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        void appendQuoted(QByteArray &out, const QString &text)
        {
            out.append('\'');
            QByteArray utf8 = text.toUtf8();
            out.append(utf8.replace('\'', QByteArrayLiteral("''")));
            out.append('\'');
        }
    }

    QByteArray VersionInfo::serialize() const
    {
        struct Frame
        {
            qsizetype record;
            int stage; // 0: not started, 1: writing ancestors, 2: writing stepChildren
            qsizetype child;
        };
        QByteArray out;
        QSet<QString> written; // Monticello marks a record written after its children.
        QList<Frame> stack{{m_root, 0, 0}};

        while (!stack.isEmpty())
        {
            Frame &frame = stack.last();
            const VersionRecord &record = m_records.at(frame.record);
            if (frame.stage == 0)
            {
                if (written.contains(record.id))
                {
                    out.append("(id ");
                    appendQuoted(out, record.id);
                    out.append(')');
                    stack.removeLast();
                    continue;
                }
                out.append("(name ");
                appendQuoted(out, record.name);
                out.append(" message ");
                appendQuoted(out, record.message);
                out.append(" id ");
                appendQuoted(out, record.id);
                out.append(" date ");
                appendQuoted(out, record.date);
                out.append(" time ");
                appendQuoted(out, record.time);
                out.append(" author ");
                appendQuoted(out, record.author);
                out.append(" ancestors (");
                frame.stage = 1;
                frame.child = 0;
            }
            if (frame.stage == 1)
            {
                if (frame.child < record.ancestors.size())
                {
                    const qsizetype next = record.ancestors.at(frame.child++);
                    stack.append({next, 0, 0});
                    continue;
                }
                out.append(") stepChildren (");
                frame.stage = 2;
                frame.child = 0;
            }
            if (frame.child < record.stepChildren.size())
            {
                const qsizetype next = record.stepChildren.at(frame.child++);
                stack.append({next, 0, 0});
                continue;
            }
            out.append("))");
            written.insert(record.id);
            stack.removeLast();
        }
        return out;
    }
}
