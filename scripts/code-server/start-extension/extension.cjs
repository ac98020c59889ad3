// `npm start`'s helper: once the workbench is up, open the file named by
// TRANSCRIPT_START_OPEN (the seed, in a temporary copy of samples/), show the
// Problems panel, and close what is not the transcript (welcome page, chat).
const vscode = require('vscode');

exports.activate = async function activate() {
  const file = process.env.TRANSCRIPT_START_OPEN;
  if (!file) return;
  for (const command of ['workbench.action.closeAllEditors', 'workbench.action.closeAuxiliaryBar']) {
    await vscode.commands.executeCommand(command).then(undefined, () => undefined);
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  // Back to the text, with the panel open below it.
  await vscode.window.showTextDocument(document, { preview: false });
};

exports.deactivate = function deactivate() {};
