#pragma once

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

    // Definitions added, removed and changed from `before` to `after`, by class, side and selector
    // (the definitions' keys), in the order of `before` then the additions of `after`.
    QList<DefinitionChange> diffDefinitions(const Monticello::SourceDefinitions &before, const Monticello::SourceDefinitions &after);
}
