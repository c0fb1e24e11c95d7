#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace TwinTrunk::Monticello
{
    // One definition from a version's snapshot/source.st, identified by key() so that two
    // versions' code can be compared definition by definition.
    struct Definition
    {
        enum class Kind
        {
            Organization, // SystemOrganization addCategory: ...
            Class,        // Object subclass: #Foo instanceVariableNames: ... category: ...
            ClassSide,    // Foo class instanceVariableNames: '...'
            ClassComment, // !Foo commentStamp: '...' prior: 0! <comment>
            Method,       // !Foo [class] methodsFor: 'cat' stamp: '...'! <source>
            Script,       // a doit: class initializers, package preamble/postscript
        };

        Kind kind = Kind::Script;
        QString className;
        bool classSide = false;
        QString selector;
        QString category;
        QString timestamp;
        QString source; // the definition's text, with line ends as written (CR in Monticello files)

        // "Foo>>bar", "Foo class>>bar", "class Foo", "Foo class (definition)", "comment Foo",
        // "organization", "script <first line>": unique within one version's snapshot.
        QString key() const;
        QString kindName() const;
    };

    // The definitions of a snapshot/source.st, read from the chunk format Monticello writes
    // (chunks end at a single '!', '!!' stands for '!'). Never fails: text it cannot classify
    // becomes a Script definition, so nothing in the file is dropped.
    class SourceDefinitions final
    {
    public:
        static SourceDefinitions parse(QByteArrayView sourceSt);

        const QList<Definition> &definitions() const { return m_definitions; }
        qsizetype size() const { return m_definitions.size(); }
        qsizetype count(Definition::Kind kind) const;

    private:
        QList<Definition> m_definitions;
    };

    // The selector a method's source defines: "name:", "at:put:", "+", "printOn:"; empty when
    // the header is not a method pattern.
    QString selectorOfMethodSource(const QString &source);
}
