-- Creates the database user of the Function App's user-assigned managed identity, with what the
-- app needs at run time: read and write data. Schema changes are made by the migration step
-- (infra/hooks/predeploy.sh, as the Entra admin), so the app holds no db_ddladmin. Safe to run again.
--
-- The user is created from the identity's client (application) id, as the SID Microsoft Entra ID
-- gives it (the GUID's bytes), with TYPE = E: SQL needs no Microsoft Graph lookup, which
-- `FROM EXTERNAL PROVIDER` would need (and a service principal running this has no Graph rights
-- through the server). Run it in the FRS database (not master), signed in as the server's Entra
-- admin; infra/hooks/postprovision.sh does this with go-sqlcmd:
--
--   sqlcmd -S tcp:<server>.database.windows.net,1433 -d frs \
--     --authentication-method ActiveDirectoryDefault -b \
--     -v IDENTITY_NAME=<identity name> -v IDENTITY_CLIENT_ID=<identity client id> -i infra/sql/create-identity-user.sql
--
-- In the portal's Query editor, replace $(IDENTITY_NAME) and $(IDENTITY_CLIENT_ID) first
-- (azd env get-value AZURE_IDENTITY_NAME / AZURE_IDENTITY_CLIENT_ID).

IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'$(IDENTITY_NAME)')
BEGIN
    -- CREATE USER takes the SID as a literal: build the statement with the GUID's bytes as 0x... text.
    DECLARE @sid NVARCHAR(100) = CONVERT(NVARCHAR(100), CONVERT(VARBINARY(16), CONVERT(UNIQUEIDENTIFIER, N'$(IDENTITY_CLIENT_ID)')), 1);
    DECLARE @create NVARCHAR(400) = N'CREATE USER ' + QUOTENAME(N'$(IDENTITY_NAME)') + N' WITH SID = ' + @sid + N', TYPE = E;';
    EXEC sys.sp_executesql @create;
END;

ALTER ROLE db_datareader ADD MEMBER [$(IDENTITY_NAME)];
ALTER ROLE db_datawriter ADD MEMBER [$(IDENTITY_NAME)];

-- Earlier FRS versions gave the app db_ddladmin; schema changes are the migration step's now.
IF IS_ROLEMEMBER(N'db_ddladmin', N'$(IDENTITY_NAME)') = 1
    ALTER ROLE db_ddladmin DROP MEMBER [$(IDENTITY_NAME)];

-- dbo.UpsertPerson and dbo.UpsertFace (created by FRS's migration 6, for the replaced system's front ends).
GRANT EXECUTE ON SCHEMA::dbo TO [$(IDENTITY_NAME)];
