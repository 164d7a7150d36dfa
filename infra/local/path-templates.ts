/**
 * Matching request paths against API Gateway style templates (`/v1/transfers/{id}`, `{proxy+}`),
 * shared by the local API Gateway and the NY-API emulator.
 */

export interface TemplateMatch<R> {
  readonly route: R;
  readonly pathParameters: Record<string, string>;
}

/** A matcher over `routes`: more literal characters win, as in API Gateway (`…/inbound` before `…/{id}`). */
export function compileTemplates<R extends { readonly method: string }>(
  routes: readonly R[],
  templateOf: (route: R) => string,
): (method: string, path: string) => TemplateMatch<R> | undefined {
  const compiled = routes.map((route) => {
    const template = templateOf(route);
    const parameterNames: string[] = [];
    const source = template
      .split('/')
      .map((segment) => {
        const greedy = /^\{(\w+)\+\}$/.exec(segment);
        if (greedy?.[1]) {
          parameterNames.push(greedy[1]);
          return '(.+)';
        }
        const parameter = /^\{(\w+)\}$/.exec(segment);
        if (parameter?.[1]) {
          parameterNames.push(parameter[1]);
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { route, pattern: new RegExp(`^${source}$`), parameterNames, specificity: template.replace(/\{[^}]+\}/g, '').length };
  });
  compiled.sort((a, b) => b.specificity - a.specificity);

  return (method, path) => {
    for (const candidate of compiled) {
      if (candidate.route.method !== method) continue;
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      const pathParameters: Record<string, string> = {};
      candidate.parameterNames.forEach((name, i) => {
        pathParameters[name] = decodePathSegment(match[i + 1] ?? '');
      });
      return { route: candidate.route, pathParameters };
    }
    return undefined;
  };
}

/** A broken percent-escape stays as it came: the handler then finds no such record (404), never a 500. */
function decodePathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
