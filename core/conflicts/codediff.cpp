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

        QHash<QString, const Monticello::Definition *> definitionsByKey(const Monticello::SourceDefinitions &definitions)
        {
            QHash<QString, const Monticello::Definition *> byKey;
            for (const Monticello::Definition &definition : definitions.definitions())
                byKey.insert(definition.key(), &definition);
            return byKey;
        }

        // For each line of `before`, the index of the same line in `after` on the shortest edit
        // script from one to the other, or -1 where `after` dropped or replaced it.
        std::vector<qsizetype> matchedLines(const std::vector<QString> &before, const std::vector<QString> &after)
        {
            std::vector<qsizetype> matched(before.size(), -1);
            dtl::Diff<QString, std::vector<QString>> diff(before, after);
            diff.compose();
            qsizetype inBefore = 0, inAfter = 0;
            for (const auto &[text, info] : diff.getSes().getSequence())
            {
                if (info.type == dtl::SES_COMMON)
                    matched[std::size_t(inBefore)] = inAfter;
                if (info.type != dtl::SES_ADD)
                    ++inBefore;
                if (info.type != dtl::SES_DELETE)
                    ++inAfter;
            }
            return matched;
        }

        std::optional<QString> lineAt(const std::vector<QString> &lines, qsizetype index, qsizetype end)
        {
            return index < end ? std::optional<QString>(lines[std::size_t(index)]) : std::nullopt;
        }

        bool sameLines(const std::vector<QString> &x, qsizetype xFrom, qsizetype xTo, const std::vector<QString> &y, qsizetype yFrom, qsizetype yTo)
        {
            return std::equal(x.begin() + xFrom, x.begin() + xTo, y.begin() + yFrom, y.begin() + yTo);
        }

        ChangedIn changedIn(bool aChanged, bool bChanged)
        {
            if (aChanged && bChanged)
                return ChangedIn::Both;
            if (aChanged)
                return ChangedIn::A;
            return bChanged ? ChangedIn::B : ChangedIn::Neither;
        }

        // The same definition: both absent, or both present with the same source and category.
        bool sameDefinition(const Monticello::Definition *x, const Monticello::Definition *y)
        {
            if (!x || !y)
                return !x && !y;
            return x->source == y->source && x->category == y->category;
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

    QString presenceText(DefinitionChange::Kind kind)
    {
        switch (kind)
        {
        case DefinitionChange::Kind::Added: return QStringLiteral("only in b");
        case DefinitionChange::Kind::Removed: return QStringLiteral("only in a");
        case DefinitionChange::Kind::Changed: return QStringLiteral("in both, different");
        }
        return QString();
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
        const QHash<QString, const Monticello::Definition *> afterByKey = definitionsByKey(after);

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

    QList<SideBySideRow> sideBySide(const QList<DiffLine> &lines)
    {
        QList<SideBySideRow> rows;
        for (qsizetype at = 0; at < lines.size();)
        {
            if (lines.at(at).kind == DiffLine::Kind::Same)
            {
                rows.append(SideBySideRow{SideBySideRow::Kind::Same, lines.at(at).text, lines.at(at).text});
                ++at;
                continue;
            }
            QStringList removed, added;
            for (; at < lines.size() && lines.at(at).kind != DiffLine::Kind::Same; ++at)
                (lines.at(at).kind == DiffLine::Kind::Removed ? removed : added).append(lines.at(at).text);
            for (qsizetype row = 0; row < std::max(removed.size(), added.size()); ++row)
            {
                SideBySideRow paired;
                if (row < removed.size())
                    paired.left = removed.at(row);
                if (row < added.size())
                    paired.right = added.at(row);
                paired.kind = paired.left && paired.right ? SideBySideRow::Kind::Changed
                    : paired.left                         ? SideBySideRow::Kind::Removed
                                                          : SideBySideRow::Kind::Added;
                rows.append(paired);
            }
        }
        return rows;
    }

    QString changedInText(ChangedIn side)
    {
        switch (side)
        {
        case ChangedIn::Neither: return QString();
        case ChangedIn::A: return QStringLiteral("a");
        case ChangedIn::B: return QStringLiteral("b");
        case ChangedIn::Both: return QStringLiteral("both");
        }
        return QString();
    }

    QList<ThreeWayRow> diffLines3(const QString &ancestor, const QString &a, const QString &b)
    {
        const std::vector<QString> base = linesOf(ancestor), inA = linesOf(a), inB = linesOf(b);
        const std::vector<qsizetype> matchedInA = matchedLines(base, inA), matchedInB = matchedLines(base, inB);
        QList<ThreeWayRow> rows;
        qsizetype fromBase = 0, fromA = 0, fromB = 0;
        // Each pass: the stretch up to the next anchor (a base line both sides kept), then the anchor.
        for (qsizetype anchor = 0; anchor <= qsizetype(base.size()); ++anchor)
        {
            const bool atEnd = anchor == qsizetype(base.size());
            if (!atEnd && (matchedInA[std::size_t(anchor)] < 0 || matchedInB[std::size_t(anchor)] < 0))
                continue;
            const qsizetype toA = atEnd ? qsizetype(inA.size()) : matchedInA[std::size_t(anchor)];
            const qsizetype toB = atEnd ? qsizetype(inB.size()) : matchedInB[std::size_t(anchor)];
            const ChangedIn side = changedIn(!sameLines(base, fromBase, anchor, inA, fromA, toA), !sameLines(base, fromBase, anchor, inB, fromB, toB));
            const qsizetype height = std::max({anchor - fromBase, toA - fromA, toB - fromB});
            for (qsizetype row = 0; row < height; ++row)
            {
                rows.append(ThreeWayRow{side, lineAt(base, fromBase + row, anchor), lineAt(inA, fromA + row, toA), lineAt(inB, fromB + row, toB)});
            }
            if (atEnd)
                break;
            const QString &kept = base[std::size_t(anchor)];
            rows.append(ThreeWayRow{ChangedIn::Neither, kept, kept, kept});
            fromBase = anchor + 1;
            fromA = toA + 1;
            fromB = toB + 1;
        }
        return rows;
    }

    QList<ThreeWayChange> diffDefinitions3(const Monticello::SourceDefinitions &ancestor, const Monticello::SourceDefinitions &a,
        const Monticello::SourceDefinitions &b)
    {
        const auto inAncestor = definitionsByKey(ancestor), inA = definitionsByKey(a), inB = definitionsByKey(b);
        auto sourceOf = [](const Monticello::Definition *definition) { return definition ? definition->source : QString(); };
        QList<ThreeWayChange> changes;
        for (const DefinitionChange &change : diffDefinitions(a, b))
        {
            const Monticello::Definition *base = inAncestor.value(change.key), *ofA = inA.value(change.key), *ofB = inB.value(change.key);
            changes.append(ThreeWayChange{change.key, changedIn(!sameDefinition(base, ofA), !sameDefinition(base, ofB)),
                diffLines3(sourceOf(base), sourceOf(ofA), sourceOf(ofB))});
        }
        return changes;
    }
}
