// Palette commands are hidden where they cannot act: each command that needs an actor or a chain has
// a `when` clause in the palette, and every context key those clauses use is one the controller sets.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { menus: { commandPalette: Array<{ command: string; when: string }> } };
};

test('commands that need a running actor, an actor or a chain are hidden from the palette without one', () => {
  const when = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
  const needs: Record<string, string> = {
    'theater.stopActor': 'theater.hasRunningActors',
    'theater.restartActor': 'theater.hasActors',
    'theater.actors.remove': 'theater.hasActors',
    'theater.actors.clearFinished': 'theater.hasFinishedActors',
    'theater.verifyChain': 'theater.hasChains',
    'theater.exportChain': 'theater.hasChains',
    'theater.chain.filter': 'theater.hasChains',
    'theater.chain.clearFilter': 'theater.hasChains',
    'theater.chain.goToEvent': 'theater.hasChains',
    'theater.chain.remove': 'theater.hasChains',
    'theater.chain.clearFinished': 'theater.hasChains',
  };
  for (const [command, key] of Object.entries(needs)) assert.match(when.get(command) ?? '(none)', new RegExp(`\\b${key}\\b`), command);
  for (const command of ['theater.chain.copyHash', 'theater.chain.openEventJson', 'theater.chain.openEventHex', 'theater.chain.loadMore'])
    assert.equal(when.get(command), 'false', `${command} needs a row: never in the palette`);
  const controller = fs.readFileSync(path.join(root, 'src', 'extension', 'controller.ts'), 'utf8');
  for (const key of new Set(Object.values(needs))) assert.ok(controller.includes(`set('${key}'`), `the controller sets ${key}`);
});
