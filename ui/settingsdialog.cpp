#include "settingsdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "workspace/workspace.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        enum ServerColumn { Name, Url, Upstream, Primary, ServerColumns };

        QString commandText(const QJsonValue &value)
        {
            if (value.isArray())
            {
                QStringList parts;
                for (const QJsonValue &part : value.toArray())
                    parts.append(part.toString());
                return parts.join(u' ');
            }
            return value.toString();
        }

        // Empty fields leave the key out; a field the person did not change keeps its JSON form
        // (a list stays a list).
        void setOrRemove(QJsonObject &object, const QString &key, const QString &text, const QJsonValue &original = QJsonValue())
        {
            if (text.trimmed().isEmpty())
                object.remove(key);
            else if (!original.isUndefined() && !original.isNull() && commandText(original) == text)
                object.insert(key, original);
            else
                object.insert(key, text.trimmed());
        }
    }

    SettingsDialog::SettingsDialog(const QString &path, QWidget *parent)
        : QDialog(parent), m_path(path), m_servers(new QTableWidget(0, ServerColumns, this)), m_projects(new QPlainTextEdit(this)),
          m_jobs(new QSpinBox(this)), m_syncEvery(new QLineEdit(this)), m_healthInterval(new QLineEdit(this)), m_publicUrl(new QLineEdit(this)), m_upstreamFile(new QLineEdit(this)),
          m_reload(new QLineEdit(this)), m_command(new QLineEdit(this)), m_rollback(new QLineEdit(this)), m_snippet(new QLineEdit(this)),
          m_watch(new QLineEdit(this)), m_status(new QLabel(this))
    {
        setWindowTitle(tr("Workspace Settings — %1").arg(path));
        resize(760, 560);
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            m_original = QJsonDocument::fromJson(file.readAll()).object();

        m_servers->setObjectName(QStringLiteral("settingsServers"));
        m_servers->setHorizontalHeaderLabels({tr("Name"), tr("URL"), tr("Upstream (host:port)"), tr("Primary")});
        m_servers->horizontalHeader()->setSectionResizeMode(Url, QHeaderView::Stretch);
        m_servers->verticalHeader()->hide();
        for (const QJsonValue &server : m_original.value(QStringLiteral("servers")).toArray())
            addServerRow(server.toObject());
        if (m_servers->rowCount() == 0)
        {
            addServerRow(QJsonObject{{QStringLiteral("primary"), true}});
            addServerRow(QJsonObject{});
        }
        QStringList projects;
        for (const QJsonValue &project : m_original.value(QStringLiteral("projects")).toArray())
            projects.append(project.toString());
        m_projects->setObjectName(QStringLiteral("settingsProjects"));
        m_projects->setPlainText(projects.join(u'\n'));
        m_projects->setPlaceholderText(tr("One project per line: trunk, inbox, treated…"));
        m_jobs->setRange(1, 64);
        m_jobs->setValue(m_original.value(QStringLiteral("sync")).toObject().value(QStringLiteral("jobs")).toInt(4));
        m_syncEvery->setObjectName(QStringLiteral("settingsSyncEvery"));
        m_syncEvery->setText(m_original.value(QStringLiteral("sync")).toObject().value(QStringLiteral("every")).toVariant().toString());
        m_syncEvery->setPlaceholderText(tr("only when asked"));
        m_syncEvery->setToolTip(tr("Replicate on this schedule while the console is open (15m, 1h; at least 1m). "
                                   "On a server, run twintrunkctl sync --every instead."));
        const QJsonObject health = m_original.value(QStringLiteral("health")).toObject();
        m_healthInterval->setText(health.value(QStringLiteral("interval")).toVariant().toString());
        m_healthInterval->setPlaceholderText(tr("60s"));
        const QJsonObject repoint = m_original.value(QStringLiteral("repoint")).toObject();
        const QJsonObject proxy = repoint.value(QStringLiteral("frontProxy")).toObject();
        const QJsonObject command = repoint.value(QStringLiteral("command")).toObject();
        m_publicUrl->setText(repoint.value(QStringLiteral("publicUrl")).toString());
        m_publicUrl->setObjectName(QStringLiteral("settingsPublicUrl"));
        m_upstreamFile->setText(proxy.value(QStringLiteral("upstreamFile")).toString());
        m_reload->setText(commandText(proxy.value(QStringLiteral("reload"))));
        m_command->setText(commandText(command.value(QStringLiteral("run"))));
        m_rollback->setText(commandText(command.value(QStringLiteral("rollback"))));
        m_snippet->setText(repoint.value(QStringLiteral("imageSnippet")).toString());
        m_watch->setText(repoint.value(QStringLiteral("watchLateCommits")).toVariant().toString());
        m_watch->setPlaceholderText(tr("24h"));

        auto *tabs = new QTabWidget(this);
        auto *serversPage = new QWidget(tabs);
        auto *serversLayout = new QVBoxLayout(serversPage);
        serversLayout->addWidget(m_servers);
        auto *rowButtons = new QHBoxLayout;
        auto *add = new QPushButton(tr("&Add Server"), serversPage);
        auto *remove = new QPushButton(tr("&Remove Server"), serversPage);
        rowButtons->addWidget(add);
        rowButtons->addWidget(remove);
        rowButtons->addStretch();
        serversLayout->addLayout(rowButtons);
        serversLayout->addWidget(new QLabel(tr("Projects:"), serversPage));
        serversLayout->addWidget(m_projects);
        auto *syncForm = new QFormLayout;
        syncForm->addRow(tr("Copies at a time:"), m_jobs);
        syncForm->addRow(tr("Replicate every:"), m_syncEvery);
        syncForm->addRow(tr("Health probe every:"), m_healthInterval);
        serversLayout->addLayout(syncForm);
        tabs->addTab(serversPage, tr("&Servers and Projects"));

        auto *repointPage = new QWidget(tabs);
        auto *repointForm = new QFormLayout(repointPage);
        repointForm->addRow(tr("Public URL (verified after a repoint):"), m_publicUrl);
        repointForm->addRow(tr("Front proxy's upstream include file:"), m_upstreamFile);
        repointForm->addRow(tr("Reload command for the proxy:"), m_reload);
        repointForm->addRow(tr("Command (gets OLD_PRIMARY, NEW_PRIMARY, their URLs):"), m_command);
        repointForm->addRow(tr("Its rollback command:"), m_rollback);
        repointForm->addRow(tr("Image snippet file:"), m_snippet);
        repointForm->addRow(tr("Watch the old primary for late commits:"), m_watch);
        tabs->addTab(repointPage, tr("&Repoint Actions"));

        m_status->setWordWrap(true);
        m_status->setObjectName(QStringLiteral("settingsStatus"));
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(tabs);
        layout->addWidget(m_status);
        layout->addWidget(buttons);
        connect(add, &QPushButton::clicked, this, [this] { addServerRow(QJsonObject{}); });
        connect(remove, &QPushButton::clicked, this, [this] {
            if (m_servers->currentRow() >= 0)
                m_servers->removeRow(m_servers->currentRow());
        });
        connect(buttons, &QDialogButtonBox::accepted, this, [this] {
            if (save())
                accept();
        });
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    }

    void SettingsDialog::addServerRow(const QJsonObject &server)
    {
        const int row = m_servers->rowCount();
        m_servers->insertRow(row);
        m_servers->setItem(row, Name, new QTableWidgetItem(server.value(QStringLiteral("name")).toString()));
        m_servers->setItem(row, Url, new QTableWidgetItem(server.value(QStringLiteral("url")).toString()));
        m_servers->setItem(row, Upstream, new QTableWidgetItem(server.value(QStringLiteral("upstream")).toString()));
        auto *primary = new QTableWidgetItem;
        primary->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        primary->setCheckState(server.value(QStringLiteral("primary")).toBool() ? Qt::Checked : Qt::Unchecked);
        m_servers->setItem(row, Primary, primary);
        // The keys the form does not show (user, password, the admin's own) ride along.
        m_servers->item(row, Name)->setData(Qt::UserRole, server);
    }

    QJsonObject SettingsDialog::formJson() const
    {
        QJsonObject json = m_original;
        QJsonArray servers;
        for (int row = 0; row < m_servers->rowCount(); ++row)
        {
            QJsonObject server = m_servers->item(row, Name)->data(Qt::UserRole).toJsonObject();
            server.insert(QStringLiteral("name"), m_servers->item(row, Name)->text().trimmed());
            server.insert(QStringLiteral("url"), m_servers->item(row, Url)->text().trimmed());
            setOrRemove(server, QStringLiteral("upstream"), m_servers->item(row, Upstream)->text());
            if (m_servers->item(row, Primary)->checkState() == Qt::Checked)
                server.insert(QStringLiteral("primary"), true);
            else
                server.remove(QStringLiteral("primary"));
            servers.append(server);
        }
        json.insert(QStringLiteral("servers"), servers);
        QJsonArray projects;
        for (const QString &line : m_projects->toPlainText().split(u'\n'))
        {
            if (!line.trimmed().isEmpty())
                projects.append(line.trimmed());
        }
        json.insert(QStringLiteral("projects"), projects);
        QJsonObject sync = json.value(QStringLiteral("sync")).toObject();
        sync.insert(QStringLiteral("jobs"), m_jobs->value());
        setOrRemove(sync, QStringLiteral("every"), m_syncEvery->text(), sync.value(QStringLiteral("every")));
        json.insert(QStringLiteral("sync"), sync);
        QJsonObject health = json.value(QStringLiteral("health")).toObject();
        setOrRemove(health, QStringLiteral("interval"), m_healthInterval->text(), health.value(QStringLiteral("interval")));
        if (health.isEmpty())
            json.remove(QStringLiteral("health"));
        else
            json.insert(QStringLiteral("health"), health);

        QJsonObject repoint = json.value(QStringLiteral("repoint")).toObject();
        setOrRemove(repoint, QStringLiteral("publicUrl"), m_publicUrl->text());
        QJsonObject proxy = repoint.value(QStringLiteral("frontProxy")).toObject();
        setOrRemove(proxy, QStringLiteral("upstreamFile"), m_upstreamFile->text());
        setOrRemove(proxy, QStringLiteral("reload"), m_reload->text(), proxy.value(QStringLiteral("reload")));
        if (proxy.isEmpty())
            repoint.remove(QStringLiteral("frontProxy"));
        else
            repoint.insert(QStringLiteral("frontProxy"), proxy);
        QJsonObject command = repoint.value(QStringLiteral("command")).toObject();
        setOrRemove(command, QStringLiteral("run"), m_command->text(), command.value(QStringLiteral("run")));
        setOrRemove(command, QStringLiteral("rollback"), m_rollback->text(), command.value(QStringLiteral("rollback")));
        if (command.isEmpty())
            repoint.remove(QStringLiteral("command"));
        else
            repoint.insert(QStringLiteral("command"), command);
        setOrRemove(repoint, QStringLiteral("imageSnippet"), m_snippet->text());
        setOrRemove(repoint, QStringLiteral("watchLateCommits"), m_watch->text(), repoint.value(QStringLiteral("watchLateCommits")));
        if (repoint.isEmpty())
            json.remove(QStringLiteral("repoint"));
        else
            json.insert(QStringLiteral("repoint"), repoint);
        return json;
    }

    bool SettingsDialog::save()
    {
        // Checked exactly as twintrunkctl reads it: the error names the field.
        Result<Workspace> workspace = Workspace::fromJson(formJson(), m_path);
        if (!workspace)
        {
            m_status->setText(tr("<b>Not saved:</b> %1").arg(workspace.error().toString().toHtmlEscaped()));
            return false;
        }
        if (Result<void> written = workspace->save(m_path, true); !written)
        {
            m_status->setText(tr("<b>Not saved:</b> %1").arg(written.error().toString().toHtmlEscaped()));
            return false;
        }
        m_status->setText(tr("Saved."));
        Q_EMIT saved(m_path);
        return true;
    }

    QString SettingsDialog::statusText() const
    {
        return m_status->text();
    }
}
