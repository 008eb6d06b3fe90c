/**
 * Redfish error bodies: `{"error":{"code","message","@Message.ExtendedInfo":[Message...]}}`.
 *
 * Messages come from the DMTF Base registry (texts as in Base 1.16) or from a vendor registry for
 * quirks that real BMCs answer with their own ids (iDRAC `IDRAC.2.8.PSU501`, iLO
 * `iLO.2.15.InvalidOperationForSystemState`). Handlers throw `RedfishError`; the frontend shell
 * turns it into a response with the envelope of the personality (see `ErrorStyle`).
 */
import type { JsonObject } from './json.js';

export type Severity = 'OK' | 'Warning' | 'Critical';

interface BaseDef {
  status: number;
  severity: Severity;
  text: string;
  resolution: string;
}

/** The Base registry messages the simulator uses, with the HTTP status they are sent with. */
const BASE = {
  GeneralError: {
    status: 500,
    severity: 'Critical',
    text: 'A general error has occurred.  See Resolution for information on how to resolve the error, or @Message.ExtendedInfo if Resolution is not provided.',
    resolution: 'None.',
  },
  Success: { status: 200, severity: 'OK', text: 'The request completed successfully.', resolution: 'None' },
  Created: {
    status: 201,
    severity: 'OK',
    text: 'The resource has been created successfully.',
    resolution: 'None.',
  },
  ResourceMissingAtURI: {
    status: 404,
    severity: 'Critical',
    text: "The resource at the URI '%1' was not found.",
    resolution: 'Place a valid resource at the URI or correct the URI and resubmit the request.',
  },
  ResourceNotFound: {
    status: 404,
    severity: 'Critical',
    text: "The requested resource of type %1 named '%2' was not found.",
    resolution: 'Provide a valid resource identifier and resubmit the request.',
  },
  OperationNotAllowed: {
    status: 405,
    severity: 'Critical',
    text: 'The HTTP method is not allowed on this resource.',
    resolution: 'None.',
  },
  MalformedJSON: {
    status: 400,
    severity: 'Critical',
    text: 'The request body submitted was malformed JSON and could not be parsed by the receiving service.',
    resolution: 'Ensure that the request body is valid JSON and resubmit the request.',
  },
  EmptyJSON: {
    status: 400,
    severity: 'Warning',
    text: 'The request body submitted contained an empty JSON object and the service is unable to process it.',
    resolution: 'Add properties in the JSON object and resubmit the request.',
  },
  NoOperation: {
    status: 400,
    severity: 'Warning',
    text: 'The request body submitted contain no data to act upon and no changes to the resource took place.',
    resolution: 'Add properties in the JSON object and resubmit the request.',
  },
  PropertyUnknown: {
    status: 400,
    severity: 'Warning',
    text: 'The property %1 is not in the list of valid properties for the resource.',
    resolution:
      'Remove the unknown property from the request body and resubmit the request if the operation failed.',
  },
  PropertyNotWritable: {
    status: 400,
    severity: 'Warning',
    text: 'The property %1 is a read only property and cannot be assigned a value.',
    resolution: 'Remove the property from the request body and resubmit the request if the operation failed.',
  },
  PropertyValueNotInList: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the property %2 is not in the list of acceptable values.",
    resolution:
      'Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.',
  },
  PropertyValueTypeError: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the property %2 is of a different type than the property can accept.",
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyValueFormatError: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the property %2 is of a different format than the property can accept.",
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyValueOutOfRange: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the property %2 is not in the supported range of acceptable values.",
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyMissing: {
    status: 400,
    severity: 'Warning',
    text: 'The property %1 is a required property and must be included in the request.',
    resolution:
      'Ensure that the property is in the request body and has a valid value and resubmit the request if the operation failed.',
  },
  ActionNotSupported: {
    status: 400,
    severity: 'Critical',
    text: 'The action %1 is not supported by the resource.',
    resolution:
      'The action supplied cannot be resubmitted to the implementation.  Perhaps the action was invalid, the wrong resource was the target or the implementation documentation may be of assistance.',
  },
  ActionParameterMissing: {
    status: 400,
    severity: 'Critical',
    text: 'The action %1 requires the parameter %2 to be present in the request body.',
    resolution:
      'Supply the action with the required parameter in the request body when the request is resubmitted.',
  },
  ActionParameterValueNotInList: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the parameter %2 in the action %3 is not in the list of acceptable values.",
    resolution:
      'Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.',
  },
  ActionParameterValueTypeError: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the parameter %2 in the action %3 is of a different type than the parameter can accept.",
    resolution:
      'Correct the value for the parameter in the request body and resubmit the request if the operation failed.',
  },
  ActionParameterValueFormatError: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the parameter %2 in the action %3 is of a different format than the parameter can accept.",
    resolution:
      'Correct the value for the parameter in the request body and resubmit the request if the operation failed.',
  },
  ActionParameterUnknown: {
    status: 400,
    severity: 'Warning',
    text: 'The action %1 was submitted with the invalid parameter %2.',
    resolution: 'Correct the invalid action parameter and resubmit the request if the operation failed.',
  },
  NoValidSession: {
    status: 401,
    severity: 'Critical',
    text: 'There is no valid session established with the implementation.',
    resolution: 'Establish a session before attempting any operations.',
  },
  ResourceAtUriUnauthorized: {
    status: 401,
    severity: 'Critical',
    text: "While accessing the resource at '%1', the service received an authorization error '%2'.",
    resolution:
      'Ensure that the appropriate access is provided for the service in order for it to access the URI.',
  },
  InsufficientPrivilege: {
    status: 403,
    severity: 'Critical',
    text: 'There are insufficient privileges for the account or credentials associated with the current session to perform the requested operation.',
    resolution:
      'Either abandon the operation or change the associated access rights and resubmit the request if the operation failed.',
  },
  ResourceAlreadyExists: {
    status: 400,
    severity: 'Critical',
    text: 'The requested resource of type %1 with the property %2 with the value %3 already exists.',
    resolution: 'Do not repeat the create operation as the resource has already been created.',
  },
  ResourceInUse: {
    status: 409,
    severity: 'Warning',
    text: 'The change to the requested resource failed because the resource is in use or in transition.',
    resolution: 'Remove the condition and resubmit the request if the operation failed.',
  },
  ResourceInStandby: {
    status: 409,
    severity: 'Critical',
    text: 'The request could not be performed because the resource is in standby.',
    resolution: 'Ensure that the resource is in the correct power state and resubmit the request.',
  },
  PreconditionFailed: {
    status: 412,
    severity: 'Critical',
    text: 'The ETag supplied did not match the ETag required to change this resource.',
    resolution: 'Try the operation again using the appropriate ETag.',
  },
  PreconditionRequired: {
    status: 428,
    severity: 'Critical',
    text: 'A precondition header or annotation is required to change this resource.',
    resolution: 'Try the operation again using an If-Match or If-None-Match header and appropriate ETag.',
  },
  InternalError: {
    status: 500,
    severity: 'Critical',
    text: 'The request failed due to an internal service error.  The service is still operational.',
    resolution: 'Resubmit the request.  If the problem persists, consider resetting the service.',
  },
  QueryNotSupported: {
    status: 501,
    severity: 'Warning',
    text: 'Querying is not supported by the implementation.',
    resolution: 'Remove the query parameters and resubmit the request if the operation failed.',
  },
  QueryParameterValueTypeError: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the query parameter %2 is of a different type than the parameter can accept.",
    resolution:
      'Correct the value for the query parameter in the request and resubmit the request if the operation failed.',
  },
  QueryParameterOutOfRange: {
    status: 400,
    severity: 'Warning',
    text: "The value '%1' for the query parameter %2 is out of range %3.",
    resolution: 'Reduce the value for the query parameter to a value that is within range.',
  },
  ServiceTemporarilyUnavailable: {
    status: 503,
    severity: 'Critical',
    text: 'The service is temporarily unavailable.  Retry in %1 seconds.',
    resolution: 'Wait for the indicated retry duration and retry the operation.',
  },
  SessionLimitExceeded: {
    status: 503,
    severity: 'Critical',
    text: 'The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation.',
    resolution:
      'Reduce the number of other sessions before trying to establish the session or increase the limit of simultaneous sessions, if supported.',
  },
} satisfies Record<string, BaseDef>;

export type BaseMessageKey = keyof typeof BASE;

/** A Base message as a MessageRegistry `Messages` entry (what `Registries/Base` serves). */
export interface RegistryMessage {
  Description: string;
  Message: string;
  Severity: Severity;
  MessageSeverity: Severity;
  NumberOfArgs: number;
  ParamTypes?: string[];
  Resolution: string;
}

/**
 * One registry entry: the arguments are counted from the text's `%N` placeholders (all strings), and
 * the deprecated `Severity` repeats `MessageSeverity`. The one builder of both registries the
 * simulator serves (Base here, ResourceEvent in registries.ts).
 */
export function registryMessage(m: {
  message: string;
  severity: Severity;
  description: string;
  resolution: string;
}): RegistryMessage {
  const args = new Set(m.message.match(/%\d+/g) ?? []).size;
  return {
    Description: m.description,
    Message: m.message,
    Severity: m.severity,
    MessageSeverity: m.severity,
    NumberOfArgs: args,
    ...(args ? { ParamTypes: Array.from({ length: args }, () => 'string') } : {}),
    Resolution: m.resolution,
  };
}

/** The Base messages the simulator sends, as registry entries (the description is the message text). */
export function baseRegistryMessages(): Record<string, RegistryMessage> {
  const out: Record<string, RegistryMessage> = {};
  for (const [key, d] of Object.entries(BASE) as [string, BaseDef][])
    out[key] = registryMessage({
      message: d.text,
      severity: d.severity,
      description: d.text,
      resolution: d.resolution,
    });
  return out;
}

/** One `Message` object of `@Message.ExtendedInfo`. */
export interface MessageInfo {
  MessageId: string;
  Message: string;
  MessageArgs: string[];
  /** Deprecated free-form severity; iDRAC sends `Informational` here. */
  Severity: string;
  MessageSeverity: Severity;
  Resolution: string;
  RelatedProperties?: string[];
}

function fill(text: string, args: readonly string[]): string {
  return text.replace(/%(\d+)/g, (m, n: string) => args[Number(n) - 1] ?? m);
}

/** The status a Base message is normally sent with. */
export function baseStatus(key: BaseMessageKey): number {
  return BASE[key].status;
}

/** How a personality wraps its errors (the `code`/`message` pair real BMCs put around ExtendedInfo). */
export interface ErrorStyle {
  /** Base registry prefix, e.g. `Base.1.16` (DMTF) or `Base.1.16.0` (bmcweb). */
  basePrefix: string;
  /** `code` and `message` of the envelope; undefined: use the first message's own id and text. */
  envelope?: { code: string; message: string };
}

export function baseMessage(
  style: ErrorStyle,
  key: BaseMessageKey,
  args: readonly string[] = [],
  related?: readonly string[],
): MessageInfo {
  const d: BaseDef = BASE[key];
  return {
    MessageId: `${style.basePrefix}.${key}`,
    Message: fill(d.text, args),
    MessageArgs: [...args],
    Severity: d.severity,
    MessageSeverity: d.severity,
    Resolution: d.resolution,
    ...(related ? { RelatedProperties: [...related] } : {}),
  };
}

/** A vendor-registry message (iDRAC, iLO quirks). */
export function vendorMessage(
  messageId: string,
  message: string,
  severity: Severity,
  resolution: string,
  args: readonly string[] = [],
  /** The deprecated `Severity` text when it differs (iDRAC: `Informational`). */
  severityText: string = severity,
): MessageInfo {
  return {
    MessageId: messageId,
    Message: message,
    MessageArgs: [...args],
    Severity: severityText,
    MessageSeverity: severity,
    Resolution: resolution,
  };
}

function messageJson(m: MessageInfo): JsonObject {
  const out: JsonObject = {
    MessageId: m.MessageId,
    Message: m.Message,
    MessageArgs: [...m.MessageArgs],
    Severity: m.Severity,
    MessageSeverity: m.MessageSeverity,
    Resolution: m.Resolution,
  };
  if (m.RelatedProperties) out.RelatedProperties = [...m.RelatedProperties];
  return out;
}

export function errorBody(style: ErrorStyle, messages: readonly MessageInfo[]): JsonObject {
  const first = messages[0];
  const general = baseMessage(style, 'GeneralError');
  const code = style.envelope?.code ?? first?.MessageId ?? general.MessageId;
  const message = style.envelope?.message ?? first?.Message ?? general.Message;
  return { error: { code, message, '@Message.ExtendedInfo': messages.map(messageJson) } };
}

/** `@Message.ExtendedInfo` on its own (success bodies of some BMCs). */
export function extendedInfo(messages: readonly MessageInfo[]): JsonObject {
  return { '@Message.ExtendedInfo': messages.map(messageJson) };
}

/** Thrown by handlers; the shell renders it with the personality's error style. */
export class RedfishError extends Error {
  override name = 'RedfishError';
  constructor(
    readonly status: number,
    readonly messages: readonly MessageInfo[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(messages.map((m) => m.Message).join(' ') || `HTTP ${status}`);
  }
}

/** Builds errors from Base messages with a fixed style (one per frontend). */
export class ErrorFactory {
  constructor(readonly style: ErrorStyle) {}

  message(key: BaseMessageKey, args: readonly string[] = [], related?: readonly string[]): MessageInfo {
    return baseMessage(this.style, key, args, related);
  }

  /** A RedfishError with the message's usual status (or `status` when given). */
  error(
    key: BaseMessageKey,
    args: readonly string[] = [],
    opts: { status?: number; related?: readonly string[]; headers?: Record<string, string> } = {},
  ): RedfishError {
    return new RedfishError(
      opts.status ?? baseStatus(key),
      [this.message(key, args, opts.related)],
      opts.headers ?? {},
    );
  }

  body(messages: readonly MessageInfo[]): JsonObject {
    return errorBody(this.style, messages);
  }
}
