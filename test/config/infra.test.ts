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
    expect(get('FRS_BLOB_ACCOUNT_URL')).toMatch(/^'https:\/\/\$\{storageAccountName\}\.blob\./);
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
    expect(property(admins, 'sid')!.text).toBe('adminObjectId');
    const db = declBody(
      declarations(root, 'resource_declaration').find((d) =>
        declTarget(d)?.startsWith('Microsoft.Sql/servers/databases@'),
      )!,
    )!;
    expect(literalString(property(property(db, 'sku')!, 'name')!)).toBe('GP_S_Gen5');
    expect(property(property(db, 'properties')!, 'autoPauseDelay')!.text).toBe('autoPauseDelayMinutes');
  });

  it('roles: assigned on single resources to the identity, never at group or subscription scope', () => {
    const root = bicep('infra/modules/role-assignments.bicep').root;
    const assignments = declarations(root, 'resource_declaration').filter((d) =>
      declTarget(d)?.startsWith('Microsoft.Authorization/roleAssignments@'),
    );
    expect(assignments.length).toBeGreaterThanOrEqual(3);
    for (const a of assignments) expect(['storage', 'appInsights']).toContain(property(declBody(a)!, 'scope')!.text);
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

  it('runs hook scripts that exist', () => {
    const runs = [...yaml.matchAll(/^\s+run: (\S+)$/gm)].map((m) => m[1]);
    expect(runs).toEqual(['infra/hooks/postprovision.sh', 'infra/hooks/postdeploy.sh']);
    for (const r of runs) expect(existsSync(join(repoRoot, r)), r).toBe(true);
  });

  it('hooks read only variables that main.bicep outputs (or their own knobs)', () => {
    for (const hook of ['infra/hooks/postprovision.sh', 'infra/hooks/postdeploy.sh']) {
      const vars = new Set([...read(hook).matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
      expect(vars.size, hook).toBeGreaterThan(2);
      for (const v of vars) {
        if (v.startsWith('FRS_HOOK_')) continue;
        expect(mainOutputs(), `${hook} reads ${v}`).toContain(v);
      }
    }
  });

  it('postdeploy subscribes detectOnUpload to BlobCreated in the media container via the blobs webhook', () => {
    const hook = read('infra/hooks/postdeploy.sh');
    expect(hook).toContain('/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=');
    expect(hook).toContain('function_name=detectOnUpload');
    expect(hook).toContain('systemKeys.blobs_extension');
    expect(hook).toContain('--included-event-types Microsoft.Storage.BlobCreated');
    expect(hook).toContain('--subject-begins-with "/blobServices/default/containers/$container/"');
  });

  it('the SQL script creates the identity user with the roles FRS needs, from the variable the hook passes', () => {
    const sql = read('infra/sql/create-identity-user.sql');
    expect(sql).toContain('CREATE USER [$(IDENTITY_NAME)] FROM EXTERNAL PROVIDER;');
    for (const role of ['db_datareader', 'db_datawriter', 'db_ddladmin']) {
      expect(sql).toContain(`ALTER ROLE ${role} ADD MEMBER [$(IDENTITY_NAME)];`);
    }
    expect(read('infra/hooks/postprovision.sh')).toContain('-v IDENTITY_NAME="$identity" -i "$sql_file"');
  });
});
