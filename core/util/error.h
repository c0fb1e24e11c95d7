#pragma once

#include <QString>

namespace TwinTrunk
{
    // An error as a value: what went wrong, where (a file, a member, a server and project), and,
    // for parse errors, the byte offset and line/column of the offending input.
    struct Error
    {
        // The class of failure, for callers that react differently (retry, back off, ask for a
        // password, refuse) and for health reports. Format errors are Invalid.
        enum class Kind
        {
            Other,
            Invalid,      // malformed data: a corrupt .mcz, a bad listing, a wrong name inside
            Io,           // a local file or folder could not be read or written
            Dns,          // host name not found
            Refused,      // connection refused or reset
            Timeout,      // no answer, or no progress, within the time allowed
            Tls,          // certificate or handshake failure
            Unauthorized, // 401
            Forbidden,    // 403
            NotFound,     // 404
            Conflict,     // 409: the name exists on the server
            ServerError,  // 5xx
            HttpError,    // any other unexpected HTTP status
            Truncated,    // the body ended before its announced length
            TooLarge,     // over a size or count limit
            Unsafe,       // an unsafe request refused by TwinTrunk itself (e.g. a cross-origin redirect of an upload)
            Cancelled,
            Busy,    // another process holds what this one needs (the state database, a sync run)
            Damaged, // a copy whose bytes are not what they must be: other than sent or recorded, or unsound
        };

        QString where;
        QString message;
        qint64 offset = -1;
        int line = 0;
        int column = 0;
        Kind kind = Kind::Other;

        // "where: message (line L, column C, offset O)", leaving out the parts that are unknown.
        QString toString() const;

        // The same error, with an outer location put in front: "file.mcz: version: ...".
        Error within(const QString &outer) const;

        // Whether trying the same read again later may succeed.
        bool isTransient() const;
        static QString kindName(Kind kind);
    };
}
