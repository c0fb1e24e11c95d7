#pragma once

#include <QDialog>
#include <QHash>
#include <QUrl>

class QLabel;
class QLineEdit;
class QPushButton;

namespace TwinTrunk::Ui
{
    class CredentialStore;
    class WorkspaceController;

    // The user name and password for each server, saved in the OS keychain (for the server's URL
    // only) and used by this session for writes: replicating, resolving.
    class CredentialsDialog final : public QDialog
    {
        Q_OBJECT

    public:
        CredentialsDialog(WorkspaceController *controller, CredentialStore *store, QWidget *parent = nullptr);
        QString statusText() const;
        // What the dialog says of the keychain before anything is saved: empty while the keychain
        // answers (or has not yet), else that there is none and what that means, in plain words.
        QString keychainNotice() const;

    public Q_SLOTS:
        void save();

    private:
        // The keychain did not answer a read: says so once, before Save, and what Save will do instead.
        void tellNoKeychain(const QString &error);

        WorkspaceController *m_controller;
        QHash<QString, QUrl> m_urls; // server -> its URL when the dialog opened
        CredentialStore *m_store;
        QHash<QString, std::pair<QLineEdit *, QLineEdit *>> m_fields; // server -> user, password
        QLabel *m_status;
        QLabel *m_keychain; // no keychain: said before Save
        QPushButton *m_save;
    };
}
