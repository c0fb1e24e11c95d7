#include "sourcedefinitions.h"

#include <QRegularExpression>

#include "textcodec.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        // Splits chunk-format text into chunks: each ends at a '!' that is not doubled.
        class ChunkReader
        {
        public:
            explicit ChunkReader(const QString &text) : m_text(text) {}

            bool atEnd() const { return m_pos >= m_text.size(); }

            QString next()
            {
                QString chunk;
                while (m_pos < m_text.size())
                {
                    const QChar c = m_text.at(m_pos++);
                    if (c == u'!')
                    {
                        if (m_pos < m_text.size() && m_text.at(m_pos) == u'!')
                        {
                            chunk.append(u'!');
                            ++m_pos;
                            continue;
                        }
                        return chunk;
                    }
                    chunk.append(c);
                }
                return chunk;
            }

        private:
            const QString &m_text;
            qsizetype m_pos = 0;
        };

        QString trimmedLineEnds(const QString &chunk)
        {
            // Definitions start after the line break(s) that follow a preamble; keep the rest as is.
            qsizetype start = 0;
            while (start < chunk.size() && (chunk.at(start) == u'\r' || chunk.at(start) == u'\n'))
                ++start;
            return chunk.mid(start);
        }

        QString unquote(const QString &quoted)
        {
            return quoted.mid(1, quoted.size() - 2).replace(QStringLiteral("''"), QStringLiteral("'"));
        }

        const QString stringPattern = QStringLiteral("('(?:[^']|'')*')");
    }

    QString selectorOfMethodSource(const QString &source)
    {
        static const QRegularExpression keyword(QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_]*:)\\s*[A-Za-z_][A-Za-z0-9_]*"));
        static const QRegularExpression unary(QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_:])"));
        static const QRegularExpression binary(QStringLiteral("^\\s*([-~!@%&*+=|\\\\<>,?/]+)"));

        QString rest = source;
        QString selector;
        while (true)
        {
            const auto match = keyword.match(rest);
            if (!match.hasMatch())
                break;
            selector += match.captured(1);
            rest = rest.mid(match.capturedEnd(0));
        }
        if (!selector.isEmpty())
            return selector;
        if (const auto match = unary.match(source); match.hasMatch())
            return match.captured(1);
        if (const auto match = binary.match(source); match.hasMatch())
            return match.captured(1);
        return QString();
    }

    QString Definition::kindName() const
    {
        switch (kind)
        {
        case Kind::Organization: return QStringLiteral("organization");
        case Kind::Class: return QStringLiteral("class");
        case Kind::ClassSide: return QStringLiteral("class side");
        case Kind::ClassComment: return QStringLiteral("comment");
        case Kind::Method: return QStringLiteral("method");
        case Kind::Script: return QStringLiteral("script");
        }
        return QString();
    }

    QString Definition::key() const
    {
        switch (kind)
        {
        case Kind::Organization: return QStringLiteral("organization");
        case Kind::Class: return QStringLiteral("class ") + className;
        case Kind::ClassSide: return className + QStringLiteral(" class (definition)");
        case Kind::ClassComment: return QStringLiteral("comment ") + className;
        case Kind::Method: return className + (classSide ? QStringLiteral(" class>>") : QStringLiteral(">>")) + selector;
        case Kind::Script: return QStringLiteral("script ") + source.trimmed().section(QRegularExpression(QStringLiteral("[\\r\\n]")), 0, 0);
        }
        return QString();
    }

    qsizetype SourceDefinitions::count(Definition::Kind kind) const
    {
        return std::count_if(m_definitions.cbegin(), m_definitions.cend(), [kind](const Definition &definition) { return definition.kind == kind; });
    }

    SourceDefinitions SourceDefinitions::parse(QByteArrayView sourceSt)
    {
        static const QRegularExpression methodsFor(
            QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_:]*)(\\s+(?:class|classTrait))?\\s+methodsFor:\\s*%1(?:\\s+stamp:\\s*%1)?\\s*$").arg(stringPattern));
        static const QRegularExpression commentStamp(
            QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_:]*)(\\s+class)?\\s+commentStamp:\\s*%1\\s+prior:\\s*\\S+\\s*$").arg(stringPattern));
        static const QRegularExpression classDefinition(QStringLiteral("^\\s*\\S+\\s+(?:[A-Za-z]*[sS]ubclass|named):\\s*#'?([A-Za-z_][A-Za-z0-9_:]*)"));
        static const QRegularExpression classSideDefinition(
            QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s+class(?:Trait)?\\s+(?:instanceVariableNames|uses):"));
        static const QRegularExpression organization(QStringLiteral("^\\s*SystemOrganization\\s+addCategory:"));

        SourceDefinitions result;
        const QString text = decodeText(sourceSt);
        ChunkReader reader(text);
        while (!reader.atEnd())
        {
            const QString chunk = reader.next();
            if (!chunk.trimmed().isEmpty())
            {
                Definition definition;
                definition.source = trimmedLineEnds(chunk);
                if (organization.match(chunk).hasMatch())
                {
                    definition.kind = Definition::Kind::Organization;
                }
                else if (const auto classSide = classSideDefinition.match(chunk); classSide.hasMatch())
                {
                    definition.kind = Definition::Kind::ClassSide;
                    definition.className = classSide.captured(1);
                    definition.classSide = true;
                }
                else if (const auto classLine = classDefinition.match(chunk); classLine.hasMatch())
                {
                    definition.kind = Definition::Kind::Class;
                    definition.className = classLine.captured(1);
                }
                result.m_definitions.append(definition);
                continue;
            }

            // An empty chunk announces a preamble: a method category or a class comment.
            if (reader.atEnd())
                break;
            const QString preamble = reader.next();
            if (const auto match = methodsFor.match(preamble); match.hasMatch())
            {
                // Methods follow, one chunk each, until an empty chunk ("! !").
                while (!reader.atEnd())
                {
                    const QString method = reader.next();
                    if (method.trimmed().isEmpty())
                        break;
                    Definition definition;
                    definition.kind = Definition::Kind::Method;
                    definition.className = match.captured(1);
                    definition.classSide = !match.captured(2).isEmpty();
                    definition.category = unquote(match.captured(3));
                    definition.timestamp = match.captured(4).isEmpty() ? QString() : unquote(match.captured(4));
                    definition.source = trimmedLineEnds(method);
                    definition.selector = selectorOfMethodSource(definition.source);
                    result.m_definitions.append(definition);
                }
            }
            else if (const auto comment = commentStamp.match(preamble); comment.hasMatch())
            {
                Definition definition;
                definition.kind = Definition::Kind::ClassComment;
                definition.className = comment.captured(1);
                definition.timestamp = unquote(comment.captured(3));
                definition.source = reader.atEnd() ? QString() : trimmedLineEnds(reader.next());
                result.m_definitions.append(definition);
            }
            else if (!preamble.trimmed().isEmpty())
            {
                Definition definition;
                definition.source = trimmedLineEnds(preamble);
                result.m_definitions.append(definition);
            }
        }
        return result;
    }
}
