-- Creates the database user for the Function App's user-assigned managed identity and gives it
-- what FRS needs: read and write data, and create or alter its own tables (FRS runs its
-- migrations at startup). Safe to run again.
--
-- Run it in the FRS database (not master), signed in as the server's Microsoft Entra admin
-- (the principal that ran `azd up`). infra/hooks/postprovision.sh does this with go-sqlcmd:
--
--   sqlcmd -S tcp:<server>.database.windows.net,1433 -d frs \
--     --authentication-method ActiveDirectoryDefault -b \
--     -v IDENTITY_NAME=<identity name> -i infra/sql/create-identity-user.sql
--
-- In the portal's Query editor, replace $(IDENTITY_NAME) with the identity's name
-- (azd env get-value AZURE_IDENTITY_NAME) first.

IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'$(IDENTITY_NAME)')
BEGIN
    CREATE USER [$(IDENTITY_NAME)] FROM EXTERNAL PROVIDER;
END;

ALTER ROLE db_datareader ADD MEMBER [$(IDENTITY_NAME)];
ALTER ROLE db_datawriter ADD MEMBER [$(IDENTITY_NAME)];
ALTER ROLE db_ddladmin ADD MEMBER [$(IDENTITY_NAME)];
-- dbo.UpsertPerson and dbo.UpsertFace (created by FRS's migration 6, for the replaced system's front ends).
GRANT EXECUTE ON SCHEMA::dbo TO [$(IDENTITY_NAME)];
