// The agent tools are written once: package.json's languageModelTools are derived from them, and a
// running tool never runs without confirmation.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { AGENT_TOOLS, callAgentTool, languageModelToolContributions } from '../../src/runtime/agents/tools';
import { actorCopy } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

describe('agent tools', () => {
  test("package.json's languageModelTools are exactly the agent tools (regenerate with node src/build/lm-tools.mjs)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.languageModelTools, JSON.parse(JSON.stringify(languageModelToolContributions())));
  });

  test('a running tool without confirm: true says what would run and runs nothing', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const root = path.dirname(manifest);
    for (const tool of AGENT_TOOLS.filter((t) => t.runsActor)) {
      assert.ok(tool.inputSchema.required?.includes('confirm'), tool.name);
      const r = await callAgentTool(tool.name, { manifest: 'manifest.toml', chain: 'x.chain.json', at: 0, overrides: ['1=1'] }, { root });
      assert.equal(r.isError, false, r.text);
      assert.match(r.text, /"confirmation_required": "This .* Ask the user, then call again with \\"confirm\\": true\."/);
    }
    assert.ok(!fs.existsSync(path.join(root, '.theater')), 'no actor ran');
    const unknown = await callAgentTool('nope', {}, { root });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /^There is no tool named nope; the tools are list_chains, /);
  });
});
