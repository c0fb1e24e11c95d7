#include "updatemap.h"

#include "sexpression.h"
#include "versioninfo.h"

namespace TwinTrunk::Monticello
{
    Result<UpdateMap> UpdateMap::parse(QByteArrayView bytes)
    {
        Result<SExpression> parsed = SExpression::parse(bytes);
        if (!parsed)
            return parsed.error();
        const SExpression &expression = parsed.value();
        const SExpression::Node &root = expression.root();
        if (root.kind != SExpression::Kind::List)
            return expression.errorAt(bytes, expression.rootIndex(), QStringLiteral("an update map must be a list"));
        if (root.children.size() % 2 != 0)
            return expression.errorAt(bytes, root.children.last(), QStringLiteral("key without a value"));

        auto strings = [&](qsizetype index) {
            QStringList values;
            for (const qsizetype child : expression.node(index).children)
            {
                if (expression.node(child).kind != SExpression::Kind::List)
                    values.append(expression.node(child).text);
            }
            return values;
        };

        UpdateMap map;
        for (qsizetype i = 0; i < root.children.size(); i += 2)
        {
            const qsizetype keyIndex = root.children.at(i);
            const qsizetype valueIndex = root.children.at(i + 1);
            const SExpression::Node &key = expression.node(keyIndex);
            const SExpression::Node &value = expression.node(valueIndex);
            if (key.kind != SExpression::Kind::Symbol)
                return expression.errorAt(bytes, keyIndex, QStringLiteral("expected a key"));

            if (key.text == u"name")
            {
                map.m_name = value.text;
            }
            else if (key.text == u"repository")
            {
                if (value.kind != SExpression::Kind::List)
                    return expression.errorAt(bytes, valueIndex, QStringLiteral("'repository' must be a list"));
                map.m_repositories.append(strings(valueIndex));
            }
            else if (key.text == u"dependency")
            {
                const QStringList fields = value.kind == SExpression::Kind::List ? strings(valueIndex) : QStringList();
                if (fields.size() != 3 || value.children.size() != 3)
                {
                    return expression.errorAt(bytes, valueIndex, QStringLiteral("'dependency' must be ('Package' 'Package-author.N' 'uuid')"));
                }
                if (!isMonticelloId(fields.at(2)))
                    return expression.errorAt(bytes, valueIndex, QStringLiteral("dependency id '%1' is not a UUID").arg(fields.at(2).left(64)));
                map.m_dependencies.append({fields.at(0), fields.at(1), fields.at(2)});
            }
            // Other keys are ignored, as Monticello's reader ignores them.
        }
        return map;
    }
}
