// Send Message… and Send Request… to a running actor: the text (or `@file`) from an input box or the
// command's argument, delivered through the extension's actor system, the answer in a notification and Output.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { escapeControlChars } from '../runtime/text/escape';
import type { ActorEntry } from './actorsTree';
import type { Controller } from './controller';
import { jsonMessage, parseMessageInput, type MessageForm } from './present/message';
import { responseText } from '../runtime/text/response';

export type MessageKind = 'send' | 'request';

/** What a Send Message / Send Request ended with (returned to the command's caller, e.g. a test). */
export interface MessageResult {
  ok: boolean;
  /** The response shown (a request), or why it failed. */
  text: string;
}

async function messageBytes(text: string, entry: ActorEntry): Promise<Uint8Array | string> {
  const input = parseMessageInput(text);
  if (input.kind === 'text') return input.bytes;
  const file = path.resolve(path.dirname(entry.session.manifestPath), input.path);
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (e) {
    return `the file ${file} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a path relative to the actor's manifest or an absolute one`;
  }
}

/** Asks for the message: text, JSON (checked as it is typed) or a file; `@path` for a file, as typed text would. */
async function askMessage(kind: MessageKind, name: string, entry: ActorEntry): Promise<string | undefined> {
  const title = `Theater: ${kind === 'send' ? 'Send Message to' : 'Send Request to'} ${name}`;
  const forms: Array<vscode.QuickPickItem & { form: MessageForm }> = [
    { label: 'Text', description: 'sent as UTF-8 (@path for the bytes of a file)', form: 'text' },
    { label: 'JSON', description: 'checked as you type, sent as its UTF-8 text', form: 'json' },
    { label: 'File…', description: "the file's bytes", form: 'file' },
  ];
  const pick = await vscode.window.showQuickPick(forms, { title, placeHolder: 'What do you want to send?' });
  if (!pick) return undefined;
  if (pick.form === 'file') {
    const files = await vscode.window.showOpenDialog({
      title,
      canSelectMany: false,
      defaultUri: vscode.Uri.file(path.dirname(entry.session.manifestPath)),
      openLabel: kind === 'send' ? 'Send' : 'Send Request',
    });
    return files?.[0] ? `@${files[0].fsPath}` : undefined;
  }
  return vscode.window.showInputBox({
    title,
    prompt:
      pick.form === 'json' ? 'The message as JSON' : 'The message as text, or @path for the bytes of a file (relative to the manifest)',
    ignoreFocusOut: true,
    ...(pick.form === 'json'
      ? {
          validateInput: (v: string) => {
            const r = jsonMessage(v);
            return 'error' in r ? r.error : null;
          },
        }
      : {}),
  });
}

export async function messageActor(
  controller: Controller,
  kind: MessageKind,
  arg?: ActorEntry,
  text?: string,
): Promise<MessageResult | undefined> {
  const what = kind === 'send' ? 'send a message to' : 'send a request to';
  const entry = await controller.pickEntry(arg, controller.running(), what);
  if (!entry) return undefined;
  const name = escapeControlChars(entry.session.name);
  const typed = text ?? (await askMessage(kind, name, entry));
  if (typed === undefined) return undefined;
  const bytes = await messageBytes(typed, entry);
  if (typeof bytes === 'string') {
    void controller.notify('error', `Theater: ${escapeControlChars(bytes)}.`);
    return { ok: false, text: bytes };
  }
  const system = controller.actorSystem();
  const shown = escapeControlChars(typed.length > 80 ? `${typed.slice(0, 80)}…` : typed);
  if (kind === 'send') {
    const r = await system.sendAndWait(entry.session.id, bytes);
    if (r.tag === 'err') return failed(controller, name, r.val);
    controller.log(`[${name}] message ${shown} handled`);
    controller.flash(`Theater: ${name} handled the message`);
    return { ok: true, text: '' };
  }
  const r = await system.request(undefined, entry.session.id, bytes);
  if (r.tag === 'err') return failed(controller, name, r.val);
  // The CLI's rule (theater run), the hex shortened for a notification.
  const answer = responseText(r.val, 64);
  controller.log(`[${name}] request ${shown} answered: ${answer}`);
  void controller.notify('info', `Theater: ${name} answered: ${answer}`);
  return { ok: true, text: answer };
}

function failed(controller: Controller, name: string, error: string): MessageResult {
  const text = escapeControlChars(error);
  controller.log(`[${name}] ${text}`);
  void controller.notify('error', `Theater: ${text}`);
  return { ok: false, text: error };
}
