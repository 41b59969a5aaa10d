/**
 * infra/ and azure.yaml, checked offline: every Bicep file parses with tree-sitter-bicep (no
 * ERROR or MISSING nodes), the cross-file references a Bicep compiler would check hold (module
 * paths, module params, `.outputs.` references, parameter file), the app settings list exactly
 * the schema's settings with valid values, and the hooks only read variables main.bicep outputs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { settingNames, settingsSchema } from '../../src/config/settings.js';
import { IMAGE_EXTENSIONS } from '../../src/storage/walk-images.js';
import { BLOB_TRIGGER_CONNECTION, repoRoot } from '../../tools/settings-docs.js';
import {
  declarations,
  declBody,
  declName,
  declTarget,
  declValue,
  literalString,
  objectProperties,
  outputReferences,
  outputs,
  params,
  parseBicepFile,
  parseBicepSource,
  property,
  variable,
  type Node,
  type ParsedBicep,
} from './bicep.js';

const infraDir = join(repoRoot, 'infra');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(join(dir, e.name)) : e.name.endsWith('.bicep') ? [join(dir, e.name)] : [],
  );
}

const files = bicepFiles(infraDir);
const parsed = new Map<string, ParsedBicep>();

beforeAll(async () => {
  for (const f of files) parsed.set(relative(repoRoot, f), await parseBicepFile(f));
});

function bicep(path: string): ParsedBicep {
  const p = parsed.get(path);
  if (!p) throw new Error(`${path} was not parsed (missing?)`);
  return p;
}

describe('Bicep syntax (tree-sitter-bicep)', () => {
  it('finds the Bicep files', () => {
    expect(files.map((f) => relative(repoRoot, f)).sort()).toEqual(
      expect.arrayContaining([
        'infra/main.bicep',
        'infra/modules/function-app.bicep',
        'infra/modules/storage.bicep',
        'infra/modules/sql.bicep',
      ]),
    );
  });

  it.each(files.map((f) => relative(repoRoot, f)))('%s parses without errors', (path) => {
    const p = bicep(path);
    expect(p.problems).toEqual([]);
    expect(p.root.type).toBe('infrastructure');
    expect(p.root.namedChildren.length).toBeGreaterThan(0);
  });

  it('reports broken Bicep (the check can fail)', async () => {
    const main = read('infra/main.bicep');
    const unclosed = await parseBicepSource(main.slice(0, main.lastIndexOf('}')));
    expect(unclosed.problems.length).toBeGreaterThan(0);
    const badProperty = await parseBicepSource(
      `resource s 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'x' 'y'\n}\n`,
    );
    expect(badProperty.problems.length).toBeGreaterThan(0);
  });
});

describe('Bicep references', () => {
  it('main.bicep targets the subscription and creates the resource group', () => {
    const main = bicep('infra/main.bicep');
    const scope = declarations(main.root, 'target_scope_assignment')[0];
    expect(scope && literalString(scope.namedChildren[0]!)).toBe('subscription');
    const rg = declarations(main.root, 'resource_declaration').find((d) =>
      declTarget(d)?.startsWith('Microsoft.Resources/resourceGroups@'),
    );
    expect(rg).toBeDefined();
  });

  it('every module call names an existing file, declared params, and all required params', () => {
    let calls = 0;
    for (const [path, p] of parsed) {
      for (const mod of declarations(p.root, 'module_declaration')) {
        calls++;
        const target = declTarget(mod)!;
        const modulePath = relative(repoRoot, join(repoRoot, dirname(path), target));
        expect(existsSync(join(repoRoot, modulePath)), `${path}: module ${target}`).toBe(true);
        const declared = params(bicep(modulePath).root);
        const body = declBody(mod)!;
        const passed = objectProperties(property(body, 'params')!).map((x) => x.key);
        for (const name of passed)
          expect(
            declared.map((d) => d.name),
            `${path} passes unknown param ${name} to ${target}`,
          ).toContain(name);
        for (const d of declared.filter((x) => !x.hasDefault))
          expect(passed, `${path} omits required param ${d.name} of ${target}`).toContain(d.name);
      }
    }
    expect(calls).toBeGreaterThanOrEqual(5);
  });

  it('every X.outputs.Y names an output module X declares', () => {
    let refs = 0;
    for (const [path, p] of parsed) {
      const modules = new Map(
        declarations(p.root, 'module_declaration').map((m) => [
          declName(m),
          relative(repoRoot, join(repoRoot, dirname(path), declTarget(m)!)),
        ]),
      );
      for (const ref of outputReferences(p.root)) {
        refs++;
        const modulePath = modules.get(ref.symbol);
        expect(modulePath, `${path}:${ref.line} ${ref.symbol} is not a module`).toBeDefined();
        expect(outputs(bicep(modulePath!).root), `${path}:${ref.line} ${ref.symbol}.outputs.${ref.output}`).toContain(
          ref.output,
        );
      }
    }
    expect(refs).toBeGreaterThan(10);
  });

  it('main.parameters.json sets only declared params and every required one', () => {
    const file = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const declared = params(bicep('infra/main.bicep').root);
    const names = declared.map((d) => d.name);
    for (const name of Object.keys(file.parameters)) expect(names, `unknown parameter ${name}`).toContain(name);
    for (const d of declared.filter((x) => !x.hasDefault))
      expect(Object.keys(file.parameters), `missing ${d.name}`).toContain(d.name);
    expect(file.parameters.environmentName.value).toBe('${AZURE_ENV_NAME}');
    expect(file.parameters.principalId.value).toBe('${AZURE_PRINCIPAL_ID}');
  });
});

describe('Function App (function-app.bicep)', () => {
  const path = 'infra/modules/function-app.bicep';
  let frs: Array<{ key: string; value: Node }>;
  let hostSettings: Array<{ key: string; value: Node }>;

  beforeAll(() => {
    const root = bicep(path).root;
    frs = objectProperties(variable(root, 'frsSettings')!);
    hostSettings = objectProperties(variable(root, 'hostSettings')!);
  });

  it('frsSettings lists exactly the schema settings, once each', () => {
    expect(frs.map((p) => p.key)).toEqual(settingNames);
  });

  it('host settings hold no FRS setting, only the FRS_STORAGE trigger connection', () => {
    for (const { key } of hostSettings) {
      expect(settingNames as string[], key).not.toContain(key);
      if (key.startsWith('FRS_')) expect(key.startsWith(`${BLOB_TRIGGER_CONNECTION}__`), key).toBe(true);
    }
    const keys = hostSettings.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'AzureWebJobsStorage__credential',
        'AzureWebJobsStorage__clientId',
        'AzureWebJobsStorage__blobServiceUri',
        'AzureWebJobsStorage__queueServiceUri',
        `${BLOB_TRIGGER_CONNECTION}__credential`,
        `${BLOB_TRIGGER_CONNECTION}__clientId`,
        `${BLOB_TRIGGER_CONNECTION}__blobServiceUri`,
        `${BLOB_TRIGGER_CONNECTION}__queueServiceUri`,
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ]),
    );
    // Flex Consumption rejects these (runtime comes from functionAppConfig), and keys are off.
    for (const banned of [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
      'AzureWebJobsStorage',
    ]) {
      expect(keys).not.toContain(banned);
    }
  });

  it('the appsettings resource sets union(hostSettings, frsSettings) and nothing else', () => {
    const root = bicep(path).root;
    const configs = declarations(root, 'resource_declaration').filter((d) =>
      declTarget(d)?.startsWith('Microsoft.Web/sites/config@'),
    );
    expect(configs).toHaveLength(1);
    const body = declBody(configs[0])!;
    expect(literalString(property(body, 'name')!)).toBe('appsettings');
    expect(property(body, 'properties')!.text.replace(/\s+/g, '')).toBe('union(hostSettings,frsSettings)');
    const site = declarations(root, 'resource_declaration').find((d) =>
      declTarget(d)?.startsWith('Microsoft.Web/sites@'),
    )!;
    expect(property(property(declBody(site)!, 'properties')!, 'siteConfig')!.text).not.toContain('appSettings');
  });

  it('literal values are strings the schema accepts; no number or bool literals', () => {
    let literals = 0;
    for (const { key, value } of frs) {
      const leaves =
        value.type === 'ternary_expression'
          ? value.namedChildren.slice(1).filter((n): n is Node => n !== null)
          : [value];
      for (const leaf of leaves) {
        expect(['number', 'boolean', 'true', 'false', 'null'], `${key} must be a string`).not.toContain(leaf.type);
        const literal = literalString(leaf);
        if (literal === undefined) continue;
        literals++;
        if (literal === '') {
          expect(
            settingsSchema.shape[key as keyof typeof settingsSchema.shape].isOptional(),
            `${key} is empty but not optional`,
          ).toBe(true);
          continue;
        }
        const result = settingsSchema.shape[key as keyof typeof settingsSchema.shape].safeParse(literal);
        expect(result.success, `${key}='${literal}': ${result.error?.message}`).toBe(true);
      }
    }
    expect(literals).toBeGreaterThan(settingNames.length / 2);
  });

  it('points FRS at Azure SQL and Blob Storage through the managed identity', () => {
    const get = (k: string) => frs.find((p) => p.key === k)!.value.text;
    expect(get('FRS_DATABASE')).toMatch(/Authentication=Active Directory Managed Identity;/);
    expect(get('FRS_DATABASE')).toContain('User Id=${identityClientId};');
    expect(get('FRS_DATABASE')).toContain('Server=tcp:${sqlServerFqdn},1433;');
    // FRS's blobs are in the data account, the host's in its own (see 'storage accounts and roles').
    expect(get('FRS_BLOB_ACCOUNT_URL')).toBe('dataStorageBlobEndpoint');
    expect(get('FRS_BLOB_CONNECTION_STRING')).toBe("''");
    expect(get('FRS_PIPELINE_SCHEDULE')).toBe('pipelineSchedule');
  });

  it('defaults pipelineSchedule (main and module) to the schema default', () => {
    for (const file of ['infra/main.bicep', path]) {
      const decl = declarations(bicep(file).root, 'parameter_declaration').find(
        (d) => declName(d) === 'pipelineSchedule',
      )!;
      expect(literalString(declValue(decl)!), file).toBe(settingsSchema.parse({}).FRS_PIPELINE_SCHEDULE);
    }
  });

  it('is a Flex Consumption (FC1) Node 22 app with identity-based deployment storage', () => {
    const src = bicep(path).source;
    const root = bicep(path).root;
    const plan = declarations(root, 'resource_declaration').find((d) =>
      declTarget(d)?.startsWith('Microsoft.Web/serverfarms@'),
    )!;
    const sku = property(declBody(plan)!, 'sku')!;
    expect(literalString(property(sku, 'name')!)).toBe('FC1');
    expect(literalString(property(sku, 'tier')!)).toBe('FlexConsumption');
    const site = declBody(
      declarations(root, 'resource_declaration').find((d) => declTarget(d)?.startsWith('Microsoft.Web/sites@'))!,
    )!;
    const cfg = property(property(site, 'properties')!, 'functionAppConfig')!;
    const runtime = property(cfg, 'runtime')!;
    expect(literalString(property(runtime, 'name')!)).toBe('node');
    expect(literalString(property(runtime, 'version')!)).toBe('22');
    const storage = property(property(cfg, 'deployment')!, 'storage')!;
    expect(literalString(property(storage, 'type')!)).toBe('blobContainer');
    expect(literalString(property(property(storage, 'authentication')!, 'type')!)).toBe('UserAssignedIdentity');
    expect(src).toContain("'azd-service-name': serviceName");
  });
});

describe('other resources', () => {
  it('storage: shared keys off, media and thumbnails containers, Event Grid system topic', () => {
    const root = bicep('infra/modules/storage.bicep').root;
    const account = declBody(
      declarations(root, 'resource_declaration').find((d) =>
        declTarget(d)?.startsWith('Microsoft.Storage/storageAccounts@'),
      )!,
    )!;
    const props = property(account, 'properties')!;
    expect(property(props, 'allowSharedKeyAccess')!.text).toBe('false');
    expect(property(props, 'allowBlobPublicAccess')!.text).toBe('false');
    const topic = declBody(
      declarations(root, 'resource_declaration').find((d) =>
        declTarget(d)?.startsWith('Microsoft.EventGrid/systemTopics@'),
      )!,
    )!;
    expect(literalString(property(property(topic, 'properties')!, 'topicType')!)).toBe(
      'Microsoft.Storage.StorageAccounts',
    );
    const main = bicep('infra/main.bicep').root;
    const defaults = settingsSchema.parse({});
    expect(literalString(variable(main, 'mediaContainerName')!)).toBe(defaults.FRS_MEDIA_CONTAINER);
    expect(literalString(variable(main, 'thumbnailsContainerName')!)).toBe(defaults.FRS_THUMBNAILS_CONTAINER);
  });

  it('sql: Entra-only admin, serverless GP_S_Gen5 with auto-pause', () => {
    const root = bicep('infra/modules/sql.bicep').root;
    const server = declBody(
      declarations(root, 'resource_declaration').find((d) => declTarget(d)?.startsWith('Microsoft.Sql/servers@'))!,
    )!;
    const admins = property(property(server, 'properties')!, 'administrators')!;
    expect(property(admins, 'azureADOnlyAuthentication')!.text).toBe('true');
    expect(literalString(property(admins, 'administratorType')!)).toBe('ActiveDirectory');
    expect(property(admins, 'sid')!.text).toBe('adminSid');
    const db = declBody(
      declarations(root, 'resource_declaration').find((d) =>
        declTarget(d)?.startsWith('Microsoft.Sql/servers/databases@'),
      )!,
    )!;
    expect(literalString(property(property(db, 'sku')!, 'name')!)).toBe('GP_S_Gen5');
    expect(property(property(db, 'properties')!, 'autoPauseDelay')!.text).toBe('autoPauseDelayMinutes');
  });

  it('roles: assigned on single resources (an account, a container, a queue), never at group or subscription scope', () => {
    const root = bicep('infra/modules/role-assignments.bicep').root;
    const assignments = declarations(root, 'resource_declaration').filter((d) =>
      declTarget(d)?.startsWith('Microsoft.Authorization/roleAssignments@'),
    );
    expect(assignments.length).toBeGreaterThanOrEqual(6);
    for (const a of assignments)
      expect(['hostStorage', 'mediaContainer', 'thumbnailsContainer', 'poisonQueue', 'appInsights']).toContain(
        property(declBody(a)!, 'scope')!.text,
      );
    const ids = objectProperties(variable(root, 'roleIds')!).map((p) => literalString(p.value));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('azure.yaml and hooks', () => {
  const yaml = read('azure.yaml');
  const mainOutputs = () => outputs(bicep('infra/main.bicep').root);

  it('deploys this folder as a TypeScript function app from infra/main.bicep', () => {
    expect(yaml).toMatch(/^services:\n {2}frs:\n {4}project: \.\n {4}language: ts\n {4}host: function\n/m);
    expect(yaml).toMatch(/^infra:\n {2}provider: bicep\n {2}path: infra\n {2}module: main\n/m);
    // azd finds the app by this tag: it must carry the service name.
    expect(read('infra/main.bicep')).toContain("var serviceName = 'frs'");
  });

  it('runs hook scripts that exist, none of them allowed to fail quietly', () => {
    const runs = [...yaml.matchAll(/^\s+run: (\S+)$/gm)].map((m) => m[1]);
    expect(runs).toEqual(['infra/hooks/postprovision.sh', 'infra/hooks/predeploy.sh', 'infra/hooks/postdeploy.sh']);
    for (const r of runs) expect(existsSync(join(repoRoot, r)), r).toBe(true);
    // A failed hook must fail `azd up`: no continueOnError anywhere, and every hook exits non-zero on failure.
    expect(yaml).not.toMatch(/continueOnError/);
    for (const r of runs) {
      const hook = read(r);
      expect(hook, r).toMatch(/^set -eu?$/m);
      expect(hook, r).not.toMatch(/\bexit 0\b/);
    }
  });

  it('hooks read only variables that main.bicep outputs (or their own knobs)', () => {
    for (const hook of [
      'infra/hooks/postprovision.sh',
      'infra/hooks/predeploy.sh',
      'infra/hooks/postdeploy.sh',
      'infra/hooks/sql-access.sh',
    ]) {
      const text = read(hook);
      const vars = new Set(
        [
          ...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g),
          ...text.matchAll(/\$([A-Z][A-Z0-9_]*)\b/g),
          ...text.matchAll(/for v in ([A-Z0-9_ ]+);/g),
        ]
          .flatMap((m) => m[1].split(' '))
          .filter((v) => v.length > 0),
      );
      expect(vars.size, hook).toBeGreaterThan(2);
      for (const v of vars) {
        if (v.startsWith('FRS_HOOK_') || v === 'FRS_DATABASE') continue;
        expect(mainOutputs(), `${hook} reads ${v}`).toContain(v);
      }
    }
  });

  it('SQL access for a hook is temporary: the firewall rule and public endpoint are undone on exit', () => {
    const access = read('infra/hooks/sql-access.sh');
    expect(access).toContain('trap sql_close_access EXIT');
    expect(access).toMatch(/az sql server firewall-rule create [^\n]*-n "\$sql_rule_name"/);
    expect(access).toMatch(/az sql server firewall-rule delete [^\n]*-n "\$sql_rule_name"/);
    expect(access).toContain('--enable-public-network true');
    expect(access).toContain('--enable-public-network false');
    for (const hook of ['infra/hooks/postprovision.sh', 'infra/hooks/predeploy.sh'])
      expect(read(hook)).toMatch(/\. "\$script_dir\/sql-access.sh"[\s\S]*\nsql_open_access\n/);
    // No client rule in Bicep: nothing the deployment leaves behind.
    const sql = bicep('infra/modules/sql.bicep').root;
    const rules = declarations(sql, 'resource_declaration').filter((d) =>
      declTarget(d)?.startsWith('Microsoft.Sql/servers/firewallRules@'),
    );
    expect(rules.map(declName)).toEqual(['allowAzureServices']);
  });

  it('postdeploy subscribes detectOnUpload to BlobCreated in the media container via the blobs webhook', () => {
    const hook = read('infra/hooks/postdeploy.sh');
    expect(hook).toContain('/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=');
    expect(hook).toContain('function_name=detectOnUpload');
    expect(hook).toContain('systemKeys.blobs_extension');
    expect(hook).toContain('--included-event-types Microsoft.Storage.BlobCreated');
    expect(hook).toContain('--subject-begins-with "/blobServices/default/containers/$container/"');
  });

  it('postdeploy filters events to image names and sizes FRS reads and dead-letters the rest', () => {
    const hook = read('infra/hooks/postdeploy.sh');
    const suffixes = /image_suffixes="([^"]+)"/.exec(hook)![1].split(' ');
    expect(new Set(suffixes)).toEqual(IMAGE_EXTENSIONS);
    expect(hook).toContain('--advanced-filter subject StringEndsWith $image_suffixes');
    expect(hook).toContain('--advanced-filter data.contentLength NumberLessThanOrEquals "$max_bytes"');
    // The size limit is the app's FRS_MAX_UPLOAD_BYTES.
    const limit = /max_bytes=\$\{FRS_HOOK_MAX_UPLOAD_BYTES:-(\d+)\}/.exec(hook)![1];
    const appLimit = objectProperties(variable(bicep('infra/modules/function-app.bicep').root, 'frsSettings')!).find(
      (p) => p.key === 'FRS_MAX_UPLOAD_BYTES',
    )!.value;
    expect(literalString(appLimit)).toBe(limit);
    expect(hook).toContain('--deadletter-identity systemassigned');
    expect(hook).toContain('--deadletter-identity-endpoint "$storage_id/blobServices/default/containers/$deadletter"');
    expect(hook).toMatch(/--max-delivery-attempts \d+/);
    // The dead-letter container exists and only the topic's identity may write to it.
    const storage = bicep('infra/modules/storage.bicep');
    const topic = declarations(storage.root, 'resource_declaration').find((d) =>
      declTarget(d)?.startsWith('Microsoft.EventGrid/systemTopics@'),
    )!;
    expect(literalString(property(property(declBody(topic)!, 'identity')!, 'type')!)).toBe('SystemAssigned');
    const deadLetterRole = declarations(storage.root, 'resource_declaration').find(
      (d) => declName(d) === 'topicOnDeadLetter',
    )!;
    expect(property(declBody(deadLetterRole)!, 'scope')!.text).toBe('deadLetterContainer');
    expect(literalString(variable(bicep('infra/main.bicep').root, 'deadLetterContainerName')!)).toBe('deadletter');
  });

  it('the SQL script creates the identity user by SID (no Graph lookup) with data rights only', () => {
    const sql = read('infra/sql/create-identity-user.sql');
    expect(sql).not.toMatch(/^\s*CREATE USER[^\n]*FROM EXTERNAL PROVIDER/m);
    expect(sql).toContain("CONVERT(VARBINARY(16), CONVERT(UNIQUEIDENTIFIER, N'$(IDENTITY_CLIENT_ID)'))");
    expect(sql).toContain("N' WITH SID = ' + @sid + N', TYPE = E;'");
    for (const role of ['db_datareader', 'db_datawriter']) {
      expect(sql).toContain(`ALTER ROLE ${role} ADD MEMBER [$(IDENTITY_NAME)];`);
    }
    expect(sql).not.toContain('ALTER ROLE db_ddladmin ADD MEMBER');
    expect(sql).toContain('ALTER ROLE db_ddladmin DROP MEMBER [$(IDENTITY_NAME)];');
    expect(read('infra/hooks/postprovision.sh')).toContain(
      '-v IDENTITY_NAME="$AZURE_IDENTITY_NAME" -v IDENTITY_CLIENT_ID="$AZURE_IDENTITY_CLIENT_ID" -i "$sql_file"',
    );
    // Schema changes are the admin's migration step.
    expect(read('infra/hooks/predeploy.sh')).toContain('npx tsx tools/migrate-database.ts');
  });
});

describe('what Flex Consumption rejects, and the private option', () => {
  const resourcesOf = (path: string, typePrefix: string) =>
    declarations(bicep(path).root, 'resource_declaration').filter((d) => declTarget(d)?.startsWith(typePrefix));
  const moduleCall = (name: string) =>
    declarations(bicep('infra/main.bicep').root, 'module_declaration').find((d) => declName(d) === name)!;
  const moduleParams = (name: string) => property(declBody(moduleCall(name))!, 'params')!;

  it('sets no SiteConfig property Flex Consumption rejects (ftpsState: ARM error 51021, and others)', () => {
    for (const [path, p] of parsed) {
      // Any siteConfig anywhere: only what Flex Consumption accepts.
      for (const site of declarations(p.root, 'resource_declaration').filter((d) =>
        declTarget(d)?.startsWith('Microsoft.Web/sites@'),
      )) {
        // `existing` references (e.g. app-auth.bicep's) have no properties to check.
        const properties = property(declBody(site)!, 'properties');
        const siteConfig = properties ? property(properties, 'siteConfig') : undefined;
        const keys = siteConfig ? objectProperties(siteConfig).map((x) => x.key) : [];
        for (const rejected of [
          'ftpsState',
          'alwaysOn',
          'linuxFxVersion',
          'use32BitWorkerProcess',
          'javaVersion',
          'netFrameworkVersion',
        ])
          expect(keys, `${path}: siteConfig.${rejected}`).not.toContain(rejected);
      }
    }
  });

  it('enableAuth: Entra sign-in module wired to the app, and the functions told to rely on it', () => {
    expect(property(moduleParams('appAuth'), 'enableAuth')!.text).toBe('enableAuth');
    expect(property(moduleParams('appAuth'), 'appName')!.text).toBe('functionApp.outputs.name');
    expect(property(moduleParams('functionApp'), 'httpAuth')!.text).toBe("enableAuth ? 'platform' : 'key'");
    const auth = bicep('infra/modules/app-auth.bicep');
    const config = declarations(auth.root, 'resource_declaration').find((d) =>
      declTarget(d)?.startsWith('Microsoft.Web/sites/config@'),
    )!;
    // Nothing is deployed by default: function keys stay the default.
    expect(config.text).toMatch(/=\s*if\s*\(enableAuth\)/);
  });

  it('vnetEnabled: VNet integration for the app, private endpoints for both storage accounts and SQL', () => {
    const main = bicep('infra/main.bicep');
    const vnetParam = declarations(main.root, 'parameter_declaration').find((d) => declName(d) === 'vnetEnabled')!;
    expect(vnetParam.text).toContain('bool');
    expect(declBody(moduleCall('network'))).toBeDefined();
    expect(moduleCall('network').text).toMatch(/= if \(vnetEnabled\)/);
    expect(property(moduleParams('functionApp'), 'virtualNetworkSubnetId')!.text).toBe(
      "vnetEnabled ? network.outputs.appSubnetId : ''",
    );
    const list = variable(main.root, 'privateEndpoints')!;
    const targets = list.namedChildren
      .filter((n): n is Node => n?.type === 'object')
      .map((o) => `${literalString(property(o, 'target')!)}:${literalString(property(o, 'groupId')!)}`);
    expect(targets.sort()).toEqual([
      'data:blob',
      'data:queue',
      'host:blob',
      'host:queue',
      'host:table',
      'sql:sqlServer',
    ]);
    expect(moduleCall('endpoints').text).toMatch(/for pe in privateEndpoints: if \(vnetEnabled\)/);
    // The site takes the subnet; the subnet is delegated to Microsoft.App/environments (Flex Consumption).
    const site = declBody(resourcesOf('infra/modules/function-app.bicep', 'Microsoft.Web/sites@')[0])!;
    expect(property(property(site, 'properties')!, 'virtualNetworkSubnetId')).toBeDefined();
    expect(bicep('infra/modules/network.bicep').source).toContain("serviceName: 'Microsoft.App/environments'");
  });

  it('vnetEnabled turns public network access off: SQL without public endpoint or Azure-services rule, storage denied', () => {
    expect(property(moduleParams('sql'), 'privateOnly')!.text).toBe('vnetEnabled');
    const sqlSource = bicep('infra/modules/sql.bicep').source;
    expect(sqlSource).toContain("publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'");
    expect(sqlSource).toMatch(/resource allowAzureServices '[^']+' = if \(!privateOnly\)/);
    expect(property(moduleParams('hostStorage'), 'publicAccess')!.text).toBe("vnetEnabled ? 'Disabled' : 'Enabled'");
    expect(property(moduleParams('dataStorage'), 'publicAccess')!.text).toBe("vnetEnabled ? 'Restricted' : 'Enabled'");
    const storageSource = bicep('infra/modules/storage.bicep').source;
    expect(storageSource).toContain("publicNetworkAccess: publicAccess == 'Disabled' ? 'Disabled' : 'Enabled'");
    expect(storageSource).toContain("defaultAction: publicAccess == 'Enabled' ? 'Allow' : 'Deny'");
  });

  it('a service principal is the SQL admin by its application id; a user by its object id', () => {
    const main = bicep('infra/main.bicep').root;
    const sid = variable(main, 'sqlAdminSid')!.text.replace(/\s+/g, ' ');
    expect(sid).toMatch(
      /^isServicePrincipal \? \(empty\(principalClientId\) \? fail\('[^']+'\) : principalClientId\) : principalId$/,
    );
    expect(property(moduleParams('sql'), 'adminSid')!.text).toBe('sqlAdminSid');
    expect(property(moduleParams('sql'), 'adminPrincipalType')!.text).toBe(
      "isServicePrincipal ? 'Application' : 'User'",
    );
    const file = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    expect(file.parameters.principalClientId.value).toBe('${AZURE_CLIENT_ID=}');
  });

  it('host storage and deployment package apart from the photo containers', () => {
    const host = moduleParams('hostStorage');
    const data = moduleParams('dataStorage');
    const containers = (params: Node) =>
      property(params, 'containerNames')!
        .namedChildren.filter((n): n is Node => n !== null)
        .map((n) => n.text);
    expect(containers(host)).toEqual(['deploymentContainerName']);
    expect(containers(data)).toEqual(['mediaContainerName', 'thumbnailsContainerName', 'deadLetterContainerName']);
    const app = moduleParams('functionApp');
    expect(property(app, 'hostStorageBlobEndpoint')!.text).toBe('hostStorage.outputs.blobEndpoint');
    expect(property(app, 'dataStorageBlobEndpoint')!.text).toBe('dataStorage.outputs.blobEndpoint');
    const fa = bicep('infra/modules/function-app.bicep').root;
    const hostSettings = objectProperties(variable(fa, 'hostSettings')!);
    const get = (k: string) => hostSettings.find((p) => p.key === k)!.value.text;
    expect(get('AzureWebJobsStorage__blobServiceUri')).toBe('hostStorageBlobEndpoint');
    expect(get(`${BLOB_TRIGGER_CONNECTION}__blobServiceUri`)).toBe('dataStorageBlobEndpoint');
  });

  it('the pipeline timer lets a serverless database pause: runs further apart than the auto-pause delay', () => {
    const main = bicep('infra/main.bicep').root;
    const param = (name: string) =>
      declValue(declarations(main, 'parameter_declaration').find((d) => declName(d) === name)!)!;
    const autoPause = Number(param('sqlAutoPauseDelayMinutes').text);
    const schedule = literalString(param('pipelineSchedule'))!;
    const [, minute, hour] = schedule.split(' ');
    expect(minute).toMatch(/^\d+$/); // once per matching hour, not every few minutes
    const everyHours = hour === '*' ? 1 : Number(/^\*\/(\d+)$/.exec(hour)?.[1] ?? 24);
    expect(everyHours * 60).toBeGreaterThan(autoPause);
  });
});

describe('faces stay private', () => {
  it('no HTTP answer carries a blob URL into the private containers: thumbnails go through the API', () => {
    const sources = ['functions', 'src']
      .flatMap((dir) =>
        readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)),
      )
      .filter((f) => f.endsWith('.ts') && !f.startsWith(join('src', 'storage')));
    for (const file of sources) {
      // ObjectStore.url() gives a bare blob URL under a managed identity (no key to sign with).
      expect(read(file), file).not.toMatch(/\b(thumbnails|media|store|storage\(\)\.\w+)\.url\(/);
    }
    expect(read('src/people/people-view.ts')).toContain('`/api/faces/${faceId}/thumbnail`');
  });
});
