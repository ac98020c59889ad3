-- A Neovim 0.7 user's configuration for transcripts, as README.md shows it
-- ("Neovim 0.7"): the file type, and the language server started with
-- vim.lsp.start_client for every transcript buffer. The test layer
-- (test/nvim/nvim.test.ts) starts `nvim --headless -u test/nvim/init.lua`
-- with TRANSCRIPT_LS set to the clone's server; a user has it on PATH.
vim.cmd([[autocmd BufRead,BufNewFile *.transcript setfiletype transcript]])

local client_id
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'transcript',
  callback = function(args)
    if not client_id then
      -- The folder with the nearest .transcriptrc.json, else the file's folder.
      local rc = vim.fn.findfile('.transcriptrc.json', vim.fn.expand('%:p:h') .. ';')
      local root = rc ~= '' and vim.fn.fnamemodify(rc, ':p:h') or vim.fn.expand('%:p:h')
      client_id = vim.lsp.start_client({
        name = 'transcript',
        cmd = { os.getenv('TRANSCRIPT_LS') or 'transcript-language-server', '--stdio' },
        root_dir = root,
        -- Neovim 0.7 neither answers workspace/configuration nor pushes `settings`:
        -- the server takes them from the initialization options.
        init_options = { settings = { therapyTranscript = { rules = { ['truncated-turn'] = 'off' } } } },
      })
    end
    vim.lsp.buf_attach_client(args.buf, client_id)
  end,
})
