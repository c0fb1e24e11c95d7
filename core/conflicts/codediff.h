#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "monticello/sourcedefinitions.h"

namespace TwinTrunk::Conflicts
{
    struct DiffLine
    {
        enum class Kind
        {
            Same,
            Added,   // only in the second text
            Removed, // only in the first text
        };
        Kind kind = Kind::Same;
        QString text;
    };

    // The shortest edit script between two texts, line by line (CR, LF or CRLF line ends).
    QList<DiffLine> diffLines(const QString &before, const QString &after);

    // How one definition differs between two versions of a package.
    struct DefinitionChange
    {
        enum class Kind
        {
            Added,   // only in the second version
            Removed, // only in the first
            Changed, // in both, with another source or category
        };
        Kind kind = Kind::Changed;
        QString key; // "Foo>>bar", "Foo class>>bar", "class Foo", "comment Foo", ...
        Monticello::Definition::Kind definitionKind = Monticello::Definition::Kind::Method;
        QString className;
        bool classSide = false;
        QString selector;
        QString categoryBefore;
        QString categoryAfter;
        QList<DiffLine> lines; // the line diff of the source (whole text for added and removed)
    };
    QString changeKindName(DefinitionChange::Kind kind);
    // Where a definition of a two-way comparison (a to b) is: "only in a", "only in b", "in both, different".
    QString presenceText(DefinitionChange::Kind kind);

    // Definitions added, removed and changed from `before` to `after`, by class, side and selector
    // (the definitions' keys), in the order of `before` then the additions of `after`.
    QList<DefinitionChange> diffDefinitions(const Monticello::SourceDefinitions &before, const Monticello::SourceDefinitions &after);

    // One row of a side-by-side comparison (a | b): the lines the two texts have at this place.
    // A side without a line (nullopt) is blank, so that what follows stays aligned.
    struct SideBySideRow
    {
        enum class Kind
        {
            Same,
            Changed, // a removed line faces the added line that replaced it
            Removed, // only on the left
            Added,   // only on the right
        };
        Kind kind = Kind::Same;
        std::optional<QString> left;
        std::optional<QString> right;
    };
    // A line diff in rows: each run of changes pairs its removed lines with its added lines in
    // order, the longer side's rest facing blanks.
    QList<SideBySideRow> sideBySide(const QList<DiffLine> &lines);

    // Which variant's text differs from the common ancestor's (KDiff3's A, B, C).
    enum class ChangedIn
    {
        Neither,
        A,
        B,
        Both, // each side changed it (the same way or not)
    };
    // "a", "b", "both" (empty for Neither): the markers beside a definition or a line.
    QString changedInText(ChangedIn side);

    // One row of a three-way comparison: the ancestor's, a's and b's lines at this place.
    struct ThreeWayRow
    {
        ChangedIn changedIn = ChangedIn::Neither;
        std::optional<QString> ancestor;
        std::optional<QString> a;
        std::optional<QString> b;
    };
    // diff3's alignment: lines that neither side changed are anchors; between two anchors each
    // side's lines (ancestor, a, b) face each other in order, marked with the side(s) that differ
    // from the ancestor there.
    QList<ThreeWayRow> diffLines3(const QString &ancestor, const QString &a, const QString &b);

    // A definition that differs between a and b, against their common ancestor.
    struct ThreeWayChange
    {
        QString key;
        ChangedIn changedIn = ChangedIn::Neither; // whose definition differs from the ancestor's
        QList<ThreeWayRow> rows;                  // the three sources aligned (a missing definition has no lines)
    };
    // For each definition that differs between a and b, in the order diffDefinitions(a, b) gives
    // them (so the two lists run in parallel), which side changed it since the ancestor.
    QList<ThreeWayChange> diffDefinitions3(const Monticello::SourceDefinitions &ancestor, const Monticello::SourceDefinitions &a,
        const Monticello::SourceDefinitions &b);
}
