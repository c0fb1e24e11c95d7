#pragma once

#include <functional>

#include <QObject>
#include <QUrl>

#include "repository/repository.h"

namespace TwinTrunk::Ui
{
    // Server passwords in the OS keychain (QtKeychain: the macOS Keychain, Windows Credential
    // Manager, Secret Service or KWallet). Each entry is keyed by the server's URL, so a password
    // is only ever looked up for, and sent to, the server it was saved for. Nothing falls back to a
    // plain file: without a keychain the error says so.
    class CredentialStore final : public QObject
    {
        Q_OBJECT

    public:
        using ReadDone = std::function<void(const Repository::Credentials &credentials, const QString &error)>;
        using WriteDone = std::function<void(const QString &error)>;

        explicit CredentialStore(QObject *parent = nullptr) : QObject(parent) {}

        // "No entry" is not an error: empty credentials and an empty error. `done` is called only
        // while `receiver` lives (a dialog closed meanwhile hears nothing).
        void read(const QUrl &server, QObject *receiver, ReadDone done);
        void write(const QUrl &server, const Repository::Credentials &credentials, QObject *receiver, WriteDone done);

        static QString keyFor(const QUrl &server);
    };
}
