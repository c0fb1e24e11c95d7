#include "credentialsdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "credentialstore.h"
#include "workspacecontroller.h"

namespace TwinTrunk::Ui
{
    CredentialsDialog::CredentialsDialog(WorkspaceController *controller, CredentialStore *store, QWidget *parent)
            : QDialog(parent), m_controller(controller), m_store(store), m_status(new QLabel(this)), m_keychain(new QLabel(this)), m_save(nullptr)
    {
        setWindowTitle(tr("Server Passwords"));
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(new QLabel(tr("Writes (replicating, resolving conflicts) need each server's password. They are kept in "
                                        "the OS keychain, for that server's URL only, and never in the workspace file."),
            this));
        m_keychain->setObjectName(QStringLiteral("keychainNotice"));
        m_keychain->setWordWrap(true);
        m_keychain->hide();
        layout->addWidget(m_keychain);
        auto *form = new QFormLayout;
        for (const QString &server : controller->servers())
        {
            auto *user = new QLineEdit(this);
            user->setObjectName(QStringLiteral("user-") + server);
            user->setPlaceholderText(tr("user"));
            auto *password = new QLineEdit(this);
            password->setObjectName(QStringLiteral("password-") + server);
            password->setEchoMode(QLineEdit::Password);
            password->setPlaceholderText(tr("password (unchanged when empty)"));
            auto *row = new QHBoxLayout;
            row->addWidget(user);
            row->addWidget(password);
            form->addRow(QStringLiteral("%1 (%2)").arg(server, controller->serverUrl(server).toDisplayString()), row);
            m_fields.insert(server, {user, password});
            const QUrl url = controller->serverUrl(server);
            m_urls.insert(server, url); // the URL of the workspace this dialog was opened for
            store->read(url, this, [this, user](const Repository::Credentials &credentials, const QString &error) {
                if (!error.isEmpty())
                    return tellNoKeychain(error);
                if (!credentials.user.isEmpty())
                    user->setText(credentials.user);
            });
        }
        layout->addLayout(form);
        m_status->setWordWrap(true);
        m_status->setObjectName(QStringLiteral("credentialsStatus"));
        layout->addWidget(m_status);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, this);
        m_save = buttons->button(QDialogButtonBox::Save);
        layout->addWidget(buttons);
        connect(buttons, &QDialogButtonBox::accepted, this, &CredentialsDialog::save);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        // About the workspace open now: when another opens, its questions and answers would mislead.
        connect(controller, &WorkspaceController::workspaceClosing, this, &QDialog::reject);
    }

    void CredentialsDialog::save()
    {
        m_status->setText(tr("Saving…"));
        for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it)
        {
            const QString server = it.key();
            const Repository::Credentials credentials{it.value().first->text().trimmed(), it.value().second->text()};
            if (credentials.password.isEmpty())
                continue;
            const QUrl url = m_urls.value(server);
            m_store->write(url, credentials, this, [this, server, url, credentials](const QString &error) {
                if (!error.isEmpty())
                {
                    // Still used for this session: the person typed it for a reason. The keychain's
                    // own words (often a D-Bus message) only in the tooltip, for whoever sets one up.
                    m_status->setText(tr("%1: not stored, the OS keychain cannot be used on this machine. The password is used until the "
                                         "console closes; for a lasting one, set TWINTRUNK_PASSWORD_%2 in the environment.")
                                          .arg(server, environmentNameFor(server)));
                    m_status->setToolTip(error);
                }
                else
                {
                    m_status->setText(tr("Saved in the OS keychain."));
                }
                m_controller->setCredentials(url, credentials);
            });
            it.value().second->clear();
        }
    }

    void CredentialsDialog::tellNoKeychain(const QString &error)
    {
        if (m_keychain->isVisibleTo(this))
            return; // one read per server: said once
        QStringList variables;
        for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it)
            variables.append(QStringLiteral("TWINTRUNK_PASSWORD_") + environmentNameFor(it.key()));
        variables.sort();
        m_keychain->setText(tr("<b>No OS keychain is available on this machine</b> (no Secret Service or other keychain answered), "
                               "so passwords cannot be stored. A password typed here is used for this session's writes until the "
                               "console closes, and asked for again next time. For a lasting one, set %1 in the environment.")
                                .arg(variables.join(tr(" or "))));
        m_keychain->setToolTip(error); // the keychain's own words, for whoever sets one up
        m_keychain->show();
        if (m_save)
            m_save->setText(tr("Use for This Session"));
    }

    QString CredentialsDialog::keychainNotice() const
    {
        return m_keychain->isVisibleTo(this) ? m_keychain->text() : QString();
    }

    QString CredentialsDialog::statusText() const
    {
        return m_status->text();
    }
}
