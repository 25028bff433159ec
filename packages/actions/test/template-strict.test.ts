// Issue 12, case 4: a template is compiled at validation against the helpers the renderer has, so
// `{{exec "id"}}` is a validation error at file:line instead of a window that fails at run time.
import { describe, expect, it } from '@jest/globals';
import { checkTemplate, TEMPLATE_HELPERS } from '@vigil/core';
import { registeredTemplateHelpers, render } from '../src/template.ts';
import { actionProblems } from './support/validate.ts';

describe('template helpers', () => {
  it('the renderer registers exactly the helpers validation allows', () => {
    expect(registeredTemplateHelpers()).toEqual(Object.keys(TEMPLATE_HELPERS).sort());
  });

  it('an unknown helper in an action option is a validation error naming file:line and the helper', () => {
    expect(actionProblems('mail', 'email', `to: [soc@example.org]\nsubject: 'alert {{exec "id"}}'`)).toEqual([
      'watches/test/notify.yaml:13: actions.mail.subject: bad template: unknown template helper "exec" (template line 1, column 7); the helpers are if, unless, each, with, lookup, json, secret',
    ]);
    expect(actionProblems('hook', 'webhook', `url: https://example.org/x\nbody: '{"a": {{json (shell "rm")}} }'`)).toEqual([
      'watches/test/notify.yaml:13: actions.hook.body: bad template: unknown template helper "shell" (template line 1, column 14); the helpers are if, unless, each, with, lookup, json, secret',
    ]);
  });

  it("Handlebars' log helper is neither valid nor callable", () => {
    expect(checkTemplate('{{log "x"}}', { secrets: true }).problems).toEqual(['unknown template helper "log" (template line 1, column 1); the helpers are if, unless, each, with, lookup, json, secret']);
    expect(() => render('{{log "x"}}', {})).toThrow('Missing helper: "log"');
  });

  it('what validation accepts renders, helper by helper', () => {
    const template = '{{#if on}}{{json list}}{{else}}off{{/if}} {{#unless off}}u{{/unless}} {{#each list}}[{{this}}]{{/each}} {{#with obj}}{{a}}{{/with}} {{lookup obj "a"}}';
    expect(checkTemplate(template, { secrets: false }).problems).toEqual([]);
    expect(render(template, { on: true, off: false, list: [1, 2], obj: { a: 'x' } })).toBe('[1,2] u [1][2] x x');
  });
});
