#include "versionname.h"

namespace TwinTrunk::Monticello
{
    namespace
    {
        VersionFileKind kindForExtension(const QString &extension)
        {
            if (extension == u"mcz")
                return VersionFileKind::Version;
            if (extension == u"mcd")
                return VersionFileKind::Diffy;
            if (extension == u"mcm")
                return VersionFileKind::UpdateMap;
            return VersionFileKind::Other;
        }

        // Monticello's versionNumber: the leading run of digits. 18 digits always fit a qint64;
        // anything longer is not a number any real repository uses, so it counts as none.
        qint64 leadingNumber(const QString &text)
        {
            qsizetype digits = 0;
            while (digits < text.size() && text.at(digits) >= u'0' && text.at(digits) <= u'9')
                ++digits;
            if (digits == 0 || digits > 18)
                return 0;
            return text.left(digits).toLongLong();
        }
    }

    VersionName VersionName::fromFileName(const QString &fileName)
    {
        VersionName name;
        name.m_fileName = fileName;

        QString stem = fileName;
        const qsizetype dot = fileName.lastIndexOf(u'.');
        if (dot > 0)
        {
            const QString extension = fileName.mid(dot + 1);
            const VersionFileKind kind = kindForExtension(extension);
            if (kind != VersionFileKind::Other)
            {
                name.m_extension = extension;
                name.m_kind = kind;
                stem = fileName.left(dot);
            }
        }

        // A diffy version names its base in parentheses at the end: "Kernel-eem.1235(1234)".
        const qsizetype open = stem.lastIndexOf(u'(');
        if (stem.endsWith(u')') && open > 0)
        {
            name.m_diffyBase = stem.mid(open + 1, stem.size() - open - 2);
            stem = stem.left(open);
        }
        name.m_versionName = stem;

        const qsizetype dash = stem.lastIndexOf(u'-');
        if (dash < 0)
        {
            name.m_packageAndBranch = stem;
        }
        else
        {
            name.m_packageAndBranch = stem.left(dash);
            const QString authorAndNumber = stem.mid(dash + 1);
            const qsizetype authorEnd = authorAndNumber.indexOf(u'.');
            name.m_author = authorEnd < 0 ? authorAndNumber : authorAndNumber.left(authorEnd);
            name.m_numberText = authorEnd < 0 ? QString() : authorAndNumber.mid(authorEnd + 1);
            name.m_number = leadingNumber(name.m_numberText);
        }

        const qsizetype branchStart = name.m_packageAndBranch.indexOf(u'.');
        name.m_package = branchStart < 0 ? name.m_packageAndBranch : name.m_packageAndBranch.left(branchStart);
        name.m_branch = branchStart < 0 ? QString() : name.m_packageAndBranch.mid(branchStart + 1);
        return name;
    }

    QString VersionName::fileNameForInfoName(const QString &infoName, const QString &extension)
    {
        QString safe = infoName;
        safe.replace(u'/', u'_').replace(u':', u'_');
        return safe + u'.' + extension;
    }

    QString VersionName::compose(const QString &packageAndBranch, const QString &author, qint64 number)
    {
        return packageAndBranch + u'-' + author + u'.' + QString::number(number);
    }

    bool VersionName::isValid() const
    {
        if (m_kind == VersionFileKind::UpdateMap)
            return !m_versionName.isEmpty();
        return !m_package.isEmpty() && !m_author.isEmpty() && m_number > 0;
    }
}
