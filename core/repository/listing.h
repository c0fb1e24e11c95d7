#pragma once

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "util/result.h"

namespace TwinTrunk::Repository
{
    // One version file a repository lists.
    struct ListingEntry
    {
        QString fileName;
        qint64 size = -1;   // bytes, when the listing gives an exact size
        QDateTime modified; // UTC, when the listing gives one
    };

    // A project's listing, with the HTTP validators that let the next request be a cheap 304.
    struct Listing
    {
        QList<ListingEntry> entries;
        QStringList warnings; // entries that were dropped, and why
        QString etag;
        QString lastModified;
        bool notModified = false; // the server answered 304: the previous listing still holds
    };

    struct ListingLimits
    {
        // A real trunk listing is a few MB for tens of thousands of versions.
        qint64 maxBytes = 32 * 1024 * 1024;
        qint64 maxEntries = 65536;
    };

    // Why a listed name must not be used to build a path or URL, or an empty string when it is a
    // plain file name: no '/', '\', ':' (so no URL or drive), no '..', no control characters, at
    // most 255 bytes in UTF-8.
    QString unsafeFileNameReason(const QString &name);

    // True for the files a Monticello repository holds: .mcz versions and .mcm update maps.
    bool isVersionFileName(const QString &name);

    // Parses an HTML listing the way Monticello's MCHttpRepository does: for every "<a" the first
    // double-quoted string after it (the href, never the link text, which nginx cuts at 50
    // characters), percent-decoded, kept when it names a .mcz or .mcm. Understands SqueakSource
    // pages and nginx/Apache autoindex pages, whose size and date columns are recorded when exact.
    // `where` names the server and project for warnings and errors.
    Result<Listing> parseHtmlListing(QByteArrayView html, const QString &where, const ListingLimits &limits = {});
}
