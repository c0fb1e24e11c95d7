#pragma once

#include <QString>

namespace TwinTrunk
{
    // An error as a value: what went wrong, where (a file, a member, a server and project), and,
    // for parse errors, the byte offset and line/column of the offending input.
    struct Error
    {
        QString where;
        QString message;
        qint64 offset = -1;
        int line = 0;
        int column = 0;

        // "where: message (line L, column C, offset O)", leaving out the parts that are unknown.
        QString toString() const;

        // The same error, with an outer location put in front: "file.mcz: version: ...".
        Error within(const QString &outer) const;
    };
}
