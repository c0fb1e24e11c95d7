#include "settingsdialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "presentation/verdict.h"
#include "repository/repository.h"
#include "util/duration.h"

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

        // A duration field: empty is `unset`; otherwise "90s", "15m", "24h" (an error names the field).
        Result<qint64> durationField(const QLineEdit *field, qint64 unset, const QString &name)
        {
            if (field->text().trimmed().isEmpty())
                return unset;
            const qint64 seconds = parseDurationSeconds(field->text());
            if (seconds < 0)
                return Error{.message = QStringLiteral("%1: '%2' is not a duration such as 90s, 15m, 24h").arg(name, field->text().trimmed()),
                    .kind = Error::Kind::Invalid};
            return seconds;
        }

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

    SettingsDialog::SettingsDialog(const QString &path, QWidget *parent)
            : QDialog(parent), m_path(path), m_servers(new QTableWidget(0, ServerColumns, this)), m_projects(new QPlainTextEdit(this)),
              m_jobs(new QSpinBox(this)), m_syncEvery(new QLineEdit(this)), m_healthInterval(new QLineEdit(this)), m_publicUrl(new QLineEdit(this)),
              m_upstreamFile(new QLineEdit(this)), m_reload(new QLineEdit(this)), m_command(new QLineEdit(this)), m_rollback(new QLineEdit(this)),
              m_snippet(new QLineEdit(this)), m_watch(new QLineEdit(this)), m_status(new QLabel(this)), m_primaryChoice(new QButtonGroup(this))
    {
        m_primaryChoice->setExclusive(true);
        setWindowTitle(tr("Workspace Settings — %1").arg(path));
        resize(760, 560);
        // A file that exists but does not load is shown, not replaced: the form stays closed.
        if (QFileInfo::exists(path))
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
        m_projects->setPlainText(m_loaded.projects().join(u'\n'));
        m_projects->setPlaceholderText(tr("One project per line: trunk, inbox, treated…"));
        m_jobs->setObjectName(QStringLiteral("settingsJobs"));
        m_jobs->setRange(1, 64);
        m_jobs->setValue(m_loaded.jobs());
        m_syncEvery->setObjectName(QStringLiteral("settingsSyncEvery"));
        m_syncEvery->setText(m_loaded.syncEverySeconds() > 0 ? formatDurationSeconds(m_loaded.syncEverySeconds()) : QString());
        m_syncEvery->setPlaceholderText(tr("only when asked"));
        m_syncEvery->setToolTip(tr("Replicate on this schedule while the console is open (15m, 1h; at least 1m). "
                                   "On a server, run twintrunkctl sync --every instead."));
        m_healthInterval->setObjectName(QStringLiteral("settingsHealthInterval"));
        m_healthInterval->setText(formatDurationSeconds(m_loaded.health().intervalSeconds));
        const RepointConfig &repoint = m_loaded.repoint();
        m_publicUrl->setText(repoint.publicUrl.toString());
        m_publicUrl->setObjectName(QStringLiteral("settingsPublicUrl"));
        m_upstreamFile->setText(repoint.upstreamFile);
        m_reload->setText(repoint.reload.display());
        m_command->setText(repoint.command.display());
        m_rollback->setText(repoint.rollback.display());
        m_snippet->setText(repoint.imageSnippet);
        m_watch->setText(formatDurationSeconds(repoint.watchLateCommitsSeconds));

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
        connect(add, &QPushButton::clicked, this, [this] { addServerRow(ServerConfig{}, -1); });
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
        QStringList projects;
        for (const QString &line : m_projects->toPlainText().split(u'\n'))
        {
            if (!line.trimmed().isEmpty())
                projects.append(line.trimmed());
        }
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
        QStringList projects;
        for (const QString &line : m_projects->toPlainText().split(u'\n'))
        {
            if (!line.trimmed().isEmpty())
                projects.append(line.trimmed());
        }
        workspace.setProjects(projects);
        workspace.setJobs(m_jobs->value());
        Result<qint64> every = durationField(m_syncEvery, 0, QStringLiteral("sync.every"));
        if (!every)
            return every.error();
        workspace.setSyncEverySeconds(every.value());

        HealthConfig health = m_loaded.health();
        Result<qint64> interval = durationField(m_healthInterval, HealthConfig{}.intervalSeconds, QStringLiteral("health.interval"));
        if (!interval)
            return interval.error();
        health.intervalSeconds = interval.value();
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
        Result<qint64> watch = durationField(m_watch, RepointConfig{}.watchLateCommitsSeconds, QStringLiteral("repoint.watchLateCommits"));
        if (!watch)
            return watch.error();
        repoint.watchLateCommitsSeconds = watch.value();
        workspace.setRepoint(repoint);
        return workspace;
    }

    bool SettingsDialog::save()
    {
        if (!m_loadError.isEmpty())
            return false; // never replace a file the form could not read
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
