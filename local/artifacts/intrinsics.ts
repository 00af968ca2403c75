/**
 * Resolves the CloudFormation intrinsic functions a synthesized template uses (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Select, Fn::Split, Fn::Sub) against the values the local emulators gave each resource. Anything else is an
 * error: a template that uses a function this does not know must not run with a guess in its place.
 */

export interface ResolvedResource {
  ref: string;
  attributes: Record<string, string>;
}

export interface ResolutionScope {
  pseudo: Record<string, string>;
  resources: ReadonlyMap<string, ResolvedResource>;
}

export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };

function ref(scope: ResolutionScope, name: string): string {
  if (name in scope.pseudo) return scope.pseudo[name]!;
  const resource = scope.resources.get(name);
  if (!resource) throw new Error(`Ref to ${name}, which the local runtime did not create`);
  return resource.ref;
}

function attribute(scope: ResolutionScope, name: string, attr: string): string {
  const value = scope.resources.get(name)?.attributes[attr];
  if (value === undefined) throw new Error(`Fn::GetAtt ${name}.${attr}, which the local runtime does not know`);
  return value;
}

function substitute(scope: ResolutionScope, text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    if (name in variables) return variables[name]!;
    const [logicalId, attr] = name.split('.');
    return attr ? attribute(scope, logicalId!, attr) : ref(scope, logicalId!);
  });
}

export function resolve(value: TemplateValue | undefined, scope: ResolutionScope): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => resolve(item, scope));
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
    const [fn] = keys as [string];
    const args = value[fn]!;
    switch (fn) {
      case 'Ref':
        return ref(scope, args as string);
      case 'Fn::GetAtt': {
        const [name, attr] = typeof args === 'string' ? args.split('.') : (args as string[]);
        return attribute(scope, name!, attr!);
      }
      case 'Fn::Join': {
        const [separator, parts] = args as [string, TemplateValue[]];
        return (resolve(parts, scope) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = args as [TemplateValue, TemplateValue];
        return (resolve(list, scope) as unknown[])[Number(resolve(index, scope))];
      }
      case 'Fn::Split': {
        const [separator, text] = args as [string, TemplateValue];
        return String(resolve(text, scope)).split(separator);
      }
      case 'Fn::Sub': {
        if (typeof args === 'string') return substitute(scope, args, {});
        const [text, variables] = args as [string, Record<string, TemplateValue>];
        const resolved = Object.fromEntries(
          Object.entries(variables).map(([name, v]) => [name, String(resolve(v, scope))]),
        );
        return substitute(scope, text, resolved);
      }
      default:
        throw new Error(`${fn} is not supported by the local runtime`);
    }
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, scope)]));
}
