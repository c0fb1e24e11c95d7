#include "codediff.h"

#include <algorithm>
#include <vector>

#include <QHash>
#include <QRegularExpression>

#include <dtl/dtl.hpp>

namespace TwinTrunk::Conflicts
{
    namespace
    {
        std::vector<QString> linesOf(const QString &text)
        {
            static const QRegularExpression lineEnd(QStringLiteral("\\r\\n|\\r|\\n"));
            if (text.isEmpty())
                return {}; // no lines, not one empty line
            const QStringList lines = text.split(lineEnd);
            return std::vector<QString>(lines.cbegin(), lines.cend());
        }

        QList<DiffLine> wholeText(const QString &text, DiffLine::Kind kind)
        {
            QList<DiffLine> lines;
            for (const QString &line : linesOf(text))
                lines.append(DiffLine{kind, line});
            return lines;
        }
    }

    QList<DiffLine> diffLines(const QString &before, const QString &after)
    {
        // dtl (Debian's libdtl-dev): Wu's O(NP) algorithm, the shortest edit script.
        dtl::Diff<QString, std::vector<QString>> diff(linesOf(before), linesOf(after));
        diff.compose();
        QList<DiffLine> lines;
        for (const auto &[text, info] : diff.getSes().getSequence())
        {
            const DiffLine::Kind kind = info.type == dtl::SES_ADD ? DiffLine::Kind::Added
                : info.type == dtl::SES_DELETE                    ? DiffLine::Kind::Removed
                                                                  : DiffLine::Kind::Same;
            lines.append(DiffLine{kind, text});
        }
        // Within each run of changed lines, removals first, as diff and git show them.
        for (auto run = lines.begin(); run != lines.end();)
        {
            if (run->kind == DiffLine::Kind::Same)
            {
                ++run;
                continue;
            }
            auto end = std::find_if(run, lines.end(), [](const DiffLine &line) { return line.kind == DiffLine::Kind::Same; });
            std::stable_partition(run, end, [](const DiffLine &line) { return line.kind == DiffLine::Kind::Removed; });
            run = end;
        }
        return lines;
    }

    QString changeKindName(DefinitionChange::Kind kind)
    {
        switch (kind)
        {
        case DefinitionChange::Kind::Added: return QStringLiteral("added");
        case DefinitionChange::Kind::Removed: return QStringLiteral("removed");
        case DefinitionChange::Kind::Changed: return QStringLiteral("changed");
        }
        return QString();
    }

    QList<DefinitionChange> diffDefinitions(const Monticello::SourceDefinitions &before, const Monticello::SourceDefinitions &after)
    {
        QHash<QString, const Monticello::Definition *> afterByKey;
        for (const Monticello::Definition &definition : after.definitions())
            afterByKey.insert(definition.key(), &definition);

        auto change = [](DefinitionChange::Kind kind, const Monticello::Definition &definition) {
            DefinitionChange result;
            result.kind = kind;
            result.key = definition.key();
            result.definitionKind = definition.kind;
            result.className = definition.className;
            result.classSide = definition.classSide;
            result.selector = definition.selector;
            return result;
        };

        QList<DefinitionChange> changes;
        QSet<QString> seen;
        for (const Monticello::Definition &old : before.definitions())
        {
            const QString key = old.key();
            seen.insert(key);
            const Monticello::Definition *now = afterByKey.value(key);
            if (!now)
            {
                DefinitionChange removed = change(DefinitionChange::Kind::Removed, old);
                removed.categoryBefore = old.category;
                removed.lines = wholeText(old.source, DiffLine::Kind::Removed);
                changes.append(removed);
            }
            else if (now->source != old.source || now->category != old.category)
            {
                DefinitionChange changed = change(DefinitionChange::Kind::Changed, old);
                changed.categoryBefore = old.category;
                changed.categoryAfter = now->category;
                changed.lines = diffLines(old.source, now->source);
                changes.append(changed);
            }
        }
        for (const Monticello::Definition &definition : after.definitions())
        {
            if (seen.contains(definition.key()))
                continue;
            DefinitionChange added = change(DefinitionChange::Kind::Added, definition);
            added.categoryAfter = definition.category;
            added.lines = wholeText(definition.source, DiffLine::Kind::Added);
            changes.append(added);
        }
        return changes;
    }
}
