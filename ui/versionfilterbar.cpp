#include "versionfilterbar.h"

#include <algorithm>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "presentation/acrossservers.h"
#include "statusmodels.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        // The fixed choices come first: All versions, Differences, Conflicts; then each server's.
        constexpr int ConflictsIndex = 2;

        bool isPair(const QVariant &data)
        {
            return data.typeId() == QMetaType::QStringList;
        }
    }

    VersionFilterBar::VersionFilterBar(VersionFilterModel *model, CurrentProject project, QWidget *parent)
            : QWidget(parent), m_model(model), m_project(std::move(project)), m_combo(new QComboBox(this)), m_clear(new QToolButton(this))
    {
        m_combo->setObjectName(QStringLiteral("versionFilter"));
        m_combo->setToolTip(tr("Which version names to show"));
        m_combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        m_combo->addItem(tr("All versions"));
        // Any filter but all versions is cleared in one click (a grid cell's included).
        m_clear->setObjectName(QStringLiteral("clearVersionFilter"));
        m_clear->setText(tr("Clear Filter"));
        m_clear->setToolTip(tr("Show all versions again"));
        m_clear->hide();
        auto *layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(new QLabel(tr("Show:"), this));
        layout->addWidget(m_combo);
        layout->addWidget(m_clear);
        connect(m_clear, &QToolButton::clicked, this, [this] { m_combo->setCurrentIndex(0); });
        connect(m_combo, &QComboBox::currentIndexChanged, this, &VersionFilterBar::apply);
    }

    void VersionFilterBar::setServers(const QStringList &servers)
    {
        const QSignalBlocker blocker(m_combo);
        const int index = m_combo->currentIndex();
        const QVariant chosen = m_combo->currentData();
        m_combo->clear();
        m_combo->addItem(tr("All versions"));
        m_combo->addItem(tr("Differences"));
        m_combo->addItem(tr("Conflicts"));
        for (const QString &server : servers)
            m_combo->addItem(tr("Missing on %1").arg(server), server);
        if (const QStringList pair = chosen.toStringList();
            isPair(chosen) && servers.size() >= 3 && servers.contains(pair.value(0)) && servers.contains(pair.value(1)))
            m_combo->addItem(tr("%1 lacks, %2 has").arg(pair.at(0), pair.at(1)), chosen);
        // The same choice by what it is; a server gone takes its filter with it.
        m_combo->setCurrentIndex(chosen.isValid() ? std::max(0, m_combo->findData(chosen)) : std::clamp(index, 0, m_combo->count() - 1));
        apply();
    }

    void VersionFilterBar::projectChanged()
    {
        if (isPair(m_combo->currentData()))
            apply();
    }

    void VersionFilterBar::showConflicts()
    {
        if (m_combo->count() > ConflictsIndex)
            m_combo->setCurrentIndex(ConflictsIndex); // applied by currentIndexChanged, or already in effect
    }

    void VersionFilterBar::showLacking(const QString &lacking, const QString &having)
    {
        const QSignalBlocker blocker(m_combo);
        for (int index = m_combo->count() - 1; index >= 0; --index)
        {
            if (isPair(m_combo->itemData(index)))
                m_combo->removeItem(index);
        }
        m_combo->addItem(tr("%1 lacks, %2 has").arg(lacking, having), QStringList{lacking, having});
        m_combo->setCurrentIndex(m_combo->count() - 1);
        apply();
    }

    QStringList VersionFilterBar::pair() const
    {
        return isPair(m_combo->currentData()) ? m_combo->currentData().toStringList() : QStringList();
    }

    QString VersionFilterBar::label() const
    {
        return m_combo->currentText();
    }

    void VersionFilterBar::apply()
    {
        const int index = m_combo->currentIndex();
        const QVariant item = m_combo->itemData(index);
        if (index <= 0)
            m_model->setFilter(VersionFilterModel::Filter::All);
        else if (index == 1)
            m_model->setFilter(VersionFilterModel::Filter::Differences);
        else if (index == ConflictsIndex)
            m_model->setFilter(VersionFilterModel::Filter::Conflicts);
        else if (const QStringList pair = item.toStringList(); isPair(item) && pair.size() == 2)
        {
            // A grid cell: exactly the versions core counted for that pair in the project shown.
            const Sync::ProjectSnapshot *project = m_project();
            m_model->setNames(project ? Presentation::lacksCell(*project, pair.at(0), pair.at(1)).names : QStringList());
        }
        else
            m_model->setFilter(VersionFilterModel::Filter::MissingOn, item.toString());
        m_clear->setVisible(index > 0);
        Q_EMIT applied();
    }
}
