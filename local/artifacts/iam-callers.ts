import { SIGV4_REFUSALS, type IamCheck } from '../api-gateway';
import { verifySigV4 } from '../sigv4-verifier';
import { signingAccessKeyId } from './call-recorder';
import { resourcesOfType, type StackTemplate } from './cloud-assembly';
import { allowsInvoke, templateRoles } from './iam-evaluation';
import type { TemplateValue } from './intrinsics';

/**
 * Every principal of this platform signs with the same secret access key; its access key id names it (a role's
 * logical id in the template), as the functions' own calls do. The signature is still checked in full.
 */
export const LOCAL_SECRET_ACCESS_KEY = 'local';

/**
 * API Gateway's AWS_IAM check on the artifact platform: the caller signs as a role of the template (access key id =
 * the role's logical id, secret LOCAL_SECRET_ACCESS_KEY); the signature is verified as `npm start` verifies the
 * local admin's, then IAM is asked whether that role's policies in the template (those `grantAdmin` writes, or any
 * other) allow `execute-api:Invoke` on the method's ARN: 403 ACCESS_DENIED when they do not. A signer that is no role
 * of the template is an invalid signature, as an unknown access key is on AWS.
 */
export function templateIamCheck({
  template,
  resolve,
  ref,
  accountId,
  region,
}: {
  template: StackTemplate;
  resolve: (value: TemplateValue) => unknown;
  /** The local name a logical id resolves to (`Ref`). */
  ref: (logicalId: string) => string;
  accountId: string;
  region: string;
}): IamCheck {
  const roles = new Set(templateRoles(template));
  const [restApi] = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
  const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
  if (!restApi || !stage) throw new Error('the template has no REST API with a stage');
  const methodArnBase = `arn:aws:execute-api:${region}:${accountId}:${ref(restApi[0])}/${ref(stage[0])}`;
  return async (request, invoke) => {
    const roleId = signingAccessKeyId(request.headers.authorization);
    if (!request.headers.authorization) return SIGV4_REFUSALS.missing;
    if (!roleId || !roles.has(roleId)) return SIGV4_REFUSALS.invalid;
    const verdict = await verifySigV4(request, { accessKeyId: roleId, secretAccessKey: LOCAL_SECRET_ACCESS_KEY });
    if (!verdict.ok) return SIGV4_REFUSALS[verdict.refusal];
    const methodArn = `${methodArnBase}/${invoke.method}${invoke.path}`;
    return (await allowsInvoke({ template, resolve, accountId }, roleId, methodArn)) ? undefined : 'ACCESS_DENIED';
  };
}

/** The roles of the template whose policies grant some `execute-api:Invoke` (what `grantAdmin` writes). */
export function adminRoles(template: StackTemplate): string[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.PolicyDocument).includes('execute-api:Invoke'))
    .flatMap(([, policy]) => (policy.Properties?.Roles as { Ref?: string }[] | undefined) ?? [])
    .flatMap((role) => (role.Ref ? [role.Ref] : []));
}
