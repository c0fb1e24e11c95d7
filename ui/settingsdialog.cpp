#include "settingsdialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "presentation/verdict.h"
#include "repository/repository.h"

namespace TwinTrunk::Ui
{
    namespace
    {
        enum ServerColumn
        {
            Name,
            Url,
            Upstream,
            Primary,
            Test,
            ServerColumns
        };

        // The file's bytes, or a null array when it does not exist (a new workspace).
        QByteArray fileBytes(const QString &path)
        {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }

        // The index of a row's server in the workspace as read (its user, password and unknown
        // keys ride along), or -1 for a row the person added.
        constexpr int OriginRole = Qt::UserRole;

        // What an empty server cell is for, shown in it until it is filled (a table cell has no
        // placeholder of its own), and in its editor.
        class HintDelegate final : public QStyledItemDelegate
        {
        public:
            HintDelegate(const QString &hint, QObject *parent) : QStyledItemDelegate(parent), m_hint(hint) {}

            void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
            {
                QStyledItemDelegate::paint(painter, option, index);
                if (!index.data().toString().isEmpty())
                    return;
                painter->save();
                painter->setPen(option.palette.color(QPalette::PlaceholderText));
                painter->drawText(option.rect.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                    option.fontMetrics.elidedText(m_hint, Qt::ElideRight, option.rect.width() - 8));
                painter->restore();
            }

            QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
            {
                QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
                if (auto *line = qobject_cast<QLineEdit *>(editor))
                    line->setPlaceholderText(m_hint);
                return editor;
            }

        private:
            QString m_hint;
        };

        struct Unit
        {
            qint64 seconds;
            const char *name;
        };
        constexpr Unit Units[] = {{1, QT_TRANSLATE_NOOP("TwinTrunk::Ui::SettingsDialog", "seconds")},
            {60, QT_TRANSLATE_NOOP("TwinTrunk::Ui::SettingsDialog", "minutes")}, {3600, QT_TRANSLATE_NOOP("TwinTrunk::Ui::SettingsDialog", "hours")},
            {86400, QT_TRANSLATE_NOOP("TwinTrunk::Ui::SettingsDialog", "days")}};
        // A command field: the command as read when the text still shows it (a list stays a list),
        // else the text as a shell line.
        CommandConfig commandField(const QLineEdit *field, const CommandConfig &loaded)
        {
            const QString text = field->text().trimmed();
            if (text == loaded.display())
                return loaded;
            CommandConfig command;
            command.shellLine = text;
            return command;
        }
    }

    // A duration as a number and its unit, the unit the largest that shows a loaded value exactly
    // (90 seconds stay 90 seconds, never 1.5 minutes): no "15m" syntax to know. The workspace file
    // still says "15m"; Workspace checks the value as twintrunkctl does.
    class DurationEdit final : public QWidget
    {
    public:
        // `objectName`: of the number (the unit's is the same with "Unit").
        DurationEdit(const QString &objectName, QWidget *parent) : QWidget(parent), m_value(new QSpinBox(this)), m_unit(new QComboBox(this))
        {
            auto *layout = new QHBoxLayout(this);
            layout->setContentsMargins(0, 0, 0, 0);
            m_value->setObjectName(objectName);
            m_value->setRange(0, 99999);
            m_unit->setObjectName(objectName + QStringLiteral("Unit"));
            for (const Unit &unit : Units)
                m_unit->addItem(SettingsDialog::tr(unit.name), unit.seconds);
            layout->addWidget(m_value);
            layout->addWidget(m_unit);
            layout->addStretch();
        }

        // Shown for 0 ("only when asked"): 0 then means none, not "at once".
        void setNoneText(const QString &text) { m_value->setSpecialValueText(text); }

        void setSeconds(qint64 seconds)
        {
            int chosen = 0;
            for (int i = 0; i < int(std::size(Units)); ++i)
            {
                if (seconds > 0 && seconds % Units[i].seconds == 0 && seconds / Units[i].seconds <= m_value->maximum())
                    chosen = i;
            }
            m_unit->setCurrentIndex(seconds > 0 ? chosen : 1); // none: minutes is what one would type next
            m_value->setValue(int(seconds / Units[chosen].seconds));
        }

        qint64 seconds() const { return qint64(m_value->value()) * m_unit->currentData().toLongLong(); }

        void setToolTip(const QString &text)
        {
            m_value->setToolTip(text);
            m_unit->setToolTip(text);
        }

    private:
        QSpinBox *m_value;
        QComboBox *m_unit;
    };

    SettingsDialog::SettingsDialog(const QString &path, QWidget *parent)
            : QDialog(parent), m_path(path), m_servers(new QTableWidget(0, ServerColumns, this)), m_projects(new QListWidget(this)), m_jobs(new QSpinBox(this)),
              m_syncEvery(new DurationEdit(QStringLiteral("settingsSyncEvery"), this)),
              m_healthInterval(new DurationEdit(QStringLiteral("settingsHealthInterval"), this)), m_publicUrl(new QLineEdit(this)),
              m_upstreamFile(new QLineEdit(this)), m_reload(new QLineEdit(this)), m_command(new QLineEdit(this)), m_rollback(new QLineEdit(this)),
              m_snippet(new QLineEdit(this)), m_watch(new DurationEdit(QStringLiteral("settingsWatch"), this)), m_status(new QLabel(this)),
              m_primaryChoice(new QButtonGroup(this))
    {
        m_primaryChoice->setExclusive(true);
        setWindowTitle(path.isEmpty() ? tr("New Workspace") : tr("Workspace Settings — %1").arg(path));
        resize(760, 560);
        // A file that exists but does not load is shown, not replaced: the form stays closed.
        if (!path.isEmpty() && QFileInfo::exists(path))
        {
            m_loadedBytes = fileBytes(path);
            Result<Workspace> loaded = Workspace::load(path);
            if (loaded)
                m_loaded = loaded.value();
            else
                m_loadError = loaded.error().toString();
        }

        m_servers->setObjectName(QStringLiteral("settingsServers"));
        m_servers->setHorizontalHeaderLabels({tr("Name"), tr("URL"), tr("Upstream (host:port)"), tr("Primary"), QString()});
        m_servers->horizontalHeader()->setSectionResizeMode(Url, QHeaderView::Stretch);
        m_servers->verticalHeader()->hide();
        m_servers->setItemDelegateForColumn(Name, new HintDelegate(tr("box2"), m_servers));
        m_servers->setItemDelegateForColumn(Url, new HintDelegate(tr("https://source.squeak.org/ or file:///srv/squeaksource"), m_servers));
        m_servers->setItemDelegateForColumn(Upstream, new HintDelegate(tr("host:port, for the front proxy"), m_servers));
        for (qsizetype i = 0; i < m_loaded.servers().size(); ++i)
            addServerRow(m_loaded.servers().at(i), int(i));
        if (m_servers->rowCount() == 0)
        {
            ServerConfig primary;
            primary.primary = true;
            addServerRow(primary, -1);
            addServerRow(ServerConfig{}, -1);
        }
        m_projects->setObjectName(QStringLiteral("settingsProjects"));
        m_projects->setToolTip(tr("The repositories kept in step on every server: trunk, inbox, treated… Double-click a name to change it."));
        for (const QString &project : m_loaded.projects())
            m_projects->addItem(project);
        for (int row = 0; row < m_projects->count(); ++row)
            m_projects->item(row)->setFlags(m_projects->item(row)->flags() | Qt::ItemIsEditable);
        m_jobs->setObjectName(QStringLiteral("settingsJobs"));
        m_jobs->setRange(1, 64);
        m_jobs->setValue(m_loaded.jobs());
        m_syncEvery->setNoneText(tr("only when asked"));
        m_syncEvery->setSeconds(m_loaded.syncEverySeconds());
        m_syncEvery->setToolTip(tr("Replicate on this schedule while the console is open (at least a minute; 0: only when asked). "
                                   "On a server, run twintrunkctl sync --every instead."));
        m_healthInterval->setSeconds(m_loaded.health().intervalSeconds);
        const RepointConfig &repoint = m_loaded.repoint();
        m_publicUrl->setText(repoint.publicUrl.toString());
        m_publicUrl->setObjectName(QStringLiteral("settingsPublicUrl"));
        m_publicUrl->setPlaceholderText(tr("https://source.squeak.org/ (none: not checked)"));
        m_upstreamFile->setPlaceholderText(tr("/etc/nginx/twintrunk-upstream.conf"));
        m_reload->setPlaceholderText(tr("systemctl reload nginx"));
        m_snippet->setPlaceholderText(tr("a file to write the image-side repoint snippet to"));
        m_upstreamFile->setText(repoint.upstreamFile);
        m_reload->setText(repoint.reload.display());
        m_command->setText(repoint.command.display());
        m_rollback->setText(repoint.rollback.display());
        m_snippet->setText(repoint.imageSnippet);
        m_watch->setSeconds(repoint.watchLateCommitsSeconds);

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
        auto *projectsRow = new QHBoxLayout;
        projectsRow->addWidget(m_projects, 1);
        auto *projectButtons = new QVBoxLayout;
        auto *addProject = new QPushButton(tr("Add &Project"), serversPage);
        addProject->setObjectName(QStringLiteral("addProject"));
        auto *removeProject = new QPushButton(tr("Remove Pro&ject"), serversPage);
        removeProject->setObjectName(QStringLiteral("removeProject"));
        projectButtons->addWidget(addProject);
        projectButtons->addWidget(removeProject);
        projectButtons->addStretch();
        projectsRow->addLayout(projectButtons);
        serversLayout->addLayout(projectsRow);
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
        connect(add, &QPushButton::clicked, this, [this] { addServerRow(ServerConfig{}, -1); });
        connect(addProject, &QPushButton::clicked, this, [this] {
            auto *item = new QListWidgetItem(m_projects);
            item->setFlags(item->flags() | Qt::ItemIsEditable);
            m_projects->setCurrentItem(item);
            m_projects->editItem(item);
        });
        connect(removeProject, &QPushButton::clicked, this, [this] { delete m_projects->currentItem(); });
        connect(remove, &QPushButton::clicked, this, [this] {
            if (m_servers->currentRow() >= 0)
                m_servers->removeRow(m_servers->currentRow());
        });
        connect(buttons, &QDialogButtonBox::accepted, this, [this] {
            if (save())
                accept();
        });
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        if (!m_loadError.isEmpty())
        {
            tabs->setEnabled(false);
            buttons->button(QDialogButtonBox::Save)->setEnabled(false);
            m_status->setText(tr("<b>This workspace file does not load, so the form cannot show it, and will not replace it:</b> %1<br>"
                                 "Correct it in a text editor, then open the settings again.")
                                  .arg(m_loadError.toHtmlEscaped()));
        }
    }

    void SettingsDialog::addServerRow(const ServerConfig &server, int origin)
    {
        const int row = m_servers->rowCount();
        m_servers->insertRow(row);
        m_servers->setItem(row, Name, new QTableWidgetItem(server.name));
        m_servers->setItem(row, Url, new QTableWidgetItem(server.url.toString()));
        m_servers->item(row, Url)->setToolTip(tr("http(s)://host/ of a SqueakSource or WebDAV server, or file:///path/to/folder"));
        m_servers->setItem(row, Upstream, new QTableWidgetItem(server.upstream));
        // One primary: a radio choice, never two ticks or none by accident.
        auto *primary = new QRadioButton(m_servers);
        primary->setChecked(server.primary);
        primary->setToolTip(tr("The server images use for updates and commits"));
        m_primaryChoice->addButton(primary);
        m_servers->setCellWidget(row, Primary, primary);
        m_servers->setItem(row, Primary, new QTableWidgetItem);
        auto *test = new QPushButton(tr("Test"), m_servers);
        test->setToolTip(tr("List the first project on this server now, with the password given for it, and say what answered"));
        connect(test, &QPushButton::clicked, this, [this, test] {
            for (int each = 0; each < m_servers->rowCount(); ++each)
            {
                if (m_servers->cellWidget(each, Test) == test)
                    testConnection(each);
            }
        });
        m_servers->setCellWidget(row, Test, test);
        m_servers->setItem(row, Test, new QTableWidgetItem);
        m_servers->item(row, Name)->setData(OriginRole, origin);
    }

    void SettingsDialog::testConnection(int row)
    {
        const QString name = m_servers->item(row, Name)->text().trimmed();
        const QString text = m_servers->item(row, Url)->text().trimmed();
        const QUrl url(text, QUrl::StrictMode);
        const QStringList projects = projectNames();
        auto say = [this, row](const QString &result) {
            m_servers->item(row, Test)->setToolTip(result);
            m_status->setText(result);
        };
        if (text.isEmpty() || !url.isValid() || url.scheme().isEmpty())
            return say(tr("<b>%1:</b> '%2' is not a URL (http://host/, https://host/ or file:///folder)").arg(name.toHtmlEscaped(), text.toHtmlEscaped()));
        if (projects.isEmpty())
            return say(tr("<b>%1:</b> name a project first: the test lists one").arg(name.toHtmlEscaped()));
        // The credentials this server would use, from the workspace as read, and only while the row
        // still points at that server's scheme, host and port: an edited URL gets none.
        const int origin = m_servers->item(row, Name)->data(OriginRole).toInt();
        Repository::Credentials credentials;
        if (origin >= 0 && origin < m_loaded.servers().size())
        {
            const ServerConfig &was = m_loaded.servers().at(origin);
            if (was.url.scheme() == url.scheme() && was.url.host() == url.host() && was.url.port() == url.port())
                credentials = m_loaded.credentialsFor(was);
        }
        Repository::RepositoryOptions options;
        options.retries = 0; // what one try sees
        options.idleTimeoutMs = 10000;
        options.listingTimeoutMs = 20000;
        auto repository = std::shared_ptr<Repository::Repository>(Repository::Repository::create(name, url, credentials, options));
        m_status->setText(tr("Testing %1…").arg(name.toHtmlEscaped()));
        QElapsedTimer clock;
        clock.start();
        Repository::ResultReply<Repository::Listing> *listing = repository->list(projects.constFirst());
        connect(listing, &Repository::Reply::finished, this, [say, listing, repository, name, project = projects.constFirst(), clock] {
            listing->deleteLater();
            if (listing->failed())
                return say(tr("<b>%1 did not list %2:</b> %3").arg(name.toHtmlEscaped(), project.toHtmlEscaped(), listing->error().toString().toHtmlEscaped()));
            say(tr("%1 answered in %2 ms: %3 in %4.")
                    .arg(name.toHtmlEscaped())
                    .arg(clock.elapsed())
                    .arg(Presentation::counted(listing->result().entries.size(), tr("version file"), tr("version files")), project.toHtmlEscaped()));
        });
    }

    Result<Workspace> SettingsDialog::formWorkspace() const
    {
        Workspace workspace = m_loaded; // what the form does not show is kept as it was
        QList<ServerConfig> servers;
        for (int row = 0; row < m_servers->rowCount(); ++row)
        {
            const int origin = m_servers->item(row, Name)->data(OriginRole).toInt();
            ServerConfig server = origin >= 0 && origin < m_loaded.servers().size() ? m_loaded.servers().at(origin) : ServerConfig{};
            server.name = m_servers->item(row, Name)->text().trimmed();
            const QString url = m_servers->item(row, Url)->text().trimmed();
            server.url = QUrl(url, QUrl::StrictMode);
            if (url.isEmpty() || !server.url.isValid())
                return Error{.message = QStringLiteral("servers[%1].url: '%2' is not a URL").arg(row).arg(url), .kind = Error::Kind::Invalid};
            server.upstream = m_servers->item(row, Upstream)->text().trimmed();
            server.primary = static_cast<QRadioButton *>(m_servers->cellWidget(row, Primary))->isChecked();
            servers.append(server);
        }
        workspace.setServers(servers);
        workspace.setProjects(projectNames());
        workspace.setJobs(m_jobs->value());
        workspace.setSyncEverySeconds(m_syncEvery->seconds());

        HealthConfig health = m_loaded.health();
        health.intervalSeconds = m_healthInterval->seconds();
        health.maxBackoffSeconds = std::max(health.maxBackoffSeconds, health.intervalSeconds);
        workspace.setHealth(health);

        RepointConfig repoint = m_loaded.repoint();
        const QString publicUrl = m_publicUrl->text().trimmed();
        repoint.publicUrl = publicUrl.isEmpty() ? QUrl() : QUrl(publicUrl, QUrl::StrictMode);
        // A URL that does not parse reads back as none: say so instead of dropping it.
        if (!publicUrl.isEmpty() && (!repoint.publicUrl.isValid() || (repoint.publicUrl.scheme() != u"http" && repoint.publicUrl.scheme() != u"https")))
            return Error{.message = QStringLiteral("repoint.publicUrl: '%1' is not an http(s) URL").arg(publicUrl), .kind = Error::Kind::Invalid};
        repoint.upstreamFile = m_upstreamFile->text().trimmed();
        repoint.reload = commandField(m_reload, m_loaded.repoint().reload);
        repoint.command = commandField(m_command, m_loaded.repoint().command);
        repoint.rollback = commandField(m_rollback, m_loaded.repoint().rollback);
        repoint.imageSnippet = m_snippet->text().trimmed();
        repoint.watchLateCommitsSeconds = m_watch->seconds();
        workspace.setRepoint(repoint);
        return workspace;
    }

    QStringList SettingsDialog::projectNames() const
    {
        QStringList projects;
        for (int row = 0; row < m_projects->count(); ++row)
        {
            if (const QString name = m_projects->item(row)->text().trimmed(); !name.isEmpty())
                projects.append(name);
        }
        return projects;
    }

    void SettingsDialog::askForFile()
    {
        auto *dialog = new QFileDialog(this, tr("Save the New Workspace"), QString(), tr("TwinTrunk workspaces (*.json)"));
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setDefaultSuffix(QStringLiteral("json"));
        dialog->selectFile(QStringLiteral("twintrunk.json"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
            // The person chose this file (and confirmed replacing it, if it exists): what is there now is theirs to replace.
            m_path = path;
            m_loadedBytes = fileBytes(path);
            setWindowTitle(tr("Workspace Settings — %1").arg(path));
            if (save())
                accept();
        });
        dialog->open();
    }

    bool SettingsDialog::save()
    {
        if (!m_loadError.isEmpty())
            return false; // never replace a file the form could not read
        if (m_path.isEmpty())
        {
            // A new workspace: the servers and projects first, checked; the file last.
            Result<Workspace> workspace = formWorkspace();
            // Checked as save() will check it, so the file dialog comes only for a form that saves.
            if (workspace)
                workspace = Workspace::fromJson(workspace->toJson(), tr("the new workspace"));
            if (!workspace)
            {
                m_status->setText(tr("<b>Not saved:</b> %1").arg(workspace.error().toString().toHtmlEscaped()));
                return false;
            }
            m_status->setText(tr("Choose where to save the workspace file…"));
            askForFile();
            return false;
        }
        // Written by someone else since the form read it (a repoint saving the new primary, an
        // editor): saving would undo that. The person reopens the form on what is there now.
        if (fileBytes(m_path) != m_loadedBytes)
        {
            m_status->setText(tr("<b>Not saved:</b> the workspace file changed since this form opened it (a repoint, or another "
                                 "program). Close the form and open the settings again to edit what is there now."));
            return false;
        }
        Result<Workspace> workspace = formWorkspace();
        // Checked exactly as twintrunkctl reads it (save() reads what it writes): the error names the field.
        Result<void> written = workspace ? workspace->save(m_path, true) : Result<void>(workspace.error());
        if (!written)
        {
            m_status->setText(tr("<b>Not saved:</b> %1").arg(written.error().toString().toHtmlEscaped()));
            return false;
        }
        m_loadedBytes = fileBytes(m_path); // ours now: saving again from this form is fine
        m_status->setText(tr("Saved."));
        Q_EMIT saved(m_path);
        return true;
    }

    QString SettingsDialog::statusText() const
    {
        return m_status->text();
    }
}
