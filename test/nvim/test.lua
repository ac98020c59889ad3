-- The Neovim test layer's script: runs in `nvim --headless` after init.lua,
-- drives the real client against the server and writes what it saw to
-- $NVIM_TEST_RESULTS as JSON ({ checks = [{ name, ok, detail }] }); the Node
-- side (nvim.test.ts) asserts on it. Every wait is vim.wait on a condition
-- (an event from the server changing the buffer or the diagnostics), with a
-- generous bound so a broken server fails the run instead of hanging it.
local results = { checks = {} }
local BOUND = 120000

local function check(name, ok, detail)
  table.insert(results.checks, { name = name, ok = ok and true or false, detail = detail and tostring(detail) or '' })
end

local function finish()
  local file = assert(io.open(os.getenv('NVIM_TEST_RESULTS'), 'w'))
  file:write(vim.fn.json_encode(results))
  file:close()
  vim.cmd('qall!')
end

local function line(bufnr, lnum)
  return vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ''
end

local function find_line(bufnr, pattern)
  for i, text in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if text:find(pattern) then return i - 1 end
  end
  return nil
end

-- vim.ui.select as a user choosing the entry whose title matches `pattern`.
local function choose(pattern)
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      if title:find(pattern) then return on_choice(item, i) end
    end
    local titles = {}
    for _, item in ipairs(items) do table.insert(titles, opts.format_item and opts.format_item(item) or tostring(item)) end
    check('a code action matching ' .. pattern, false, table.concat(titles, ' | '))
    on_choice(nil, nil)
  end
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function run()
  local file = os.getenv('NVIM_TEST_FILE')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  check('the file type', vim.bo[bufnr].filetype == 'transcript', vim.bo[bufnr].filetype)

  -- Diagnostics arrive (published by the server, shown by vim.diagnostic).
  local got = vim.wait(BOUND, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do codes[code_of(d)] = (codes[code_of(d)] or 0) + 1 end
  check('diagnostics for the seed', got and codes['outdated-crisis-line'] ~= nil and codes['repeated-turn'] ~= nil, vim.inspect(codes))
  -- The settings of init.lua reached the server: truncated-turn is off.
  check('settings from the client config', codes['truncated-turn'] == nil, vim.inspect(codes))
  local clients = vim.lsp.buf_get_clients(bufnr)
  local client = clients[next(clients)]
  check('one client attached', client ~= nil and client.name == 'transcript', client and client.name)

  -- A quick fix: the retired hotline, through vim.lsp.buf.code_action and vim.ui.select.
  local hotline
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == 'outdated-crisis-line' then hotline = d break end
  end
  local before = line(bufnr, hotline.lnum)
  vim.api.nvim_win_set_cursor(0, { hotline.lnum + 1, hotline.col })
  choose('^Replace')
  vim.lsp.buf.code_action()
  local fixed = vim.wait(BOUND, function() return line(bufnr, hotline.lnum) ~= before end, 20)
  check('the quick fix changed the line', fixed and line(bufnr, hotline.lnum):find('988', 1, true) ~= nil and not line(bufnr, hotline.lnum):find('273-8255', 1, true), line(bufnr, hotline.lnum))

  -- A tag action on the first therapist turn: the best suggestion.
  local welcome = find_line(bufnr, '^Therapist: Welcome back')
  vim.api.nvim_win_set_cursor(0, { welcome + 1, 20 })
  choose('^Tag turn as ')
  vim.lsp.buf.code_action()
  local tagged = vim.wait(BOUND, function() return line(bufnr, welcome):find('^Therapist: %[cbt:[a-z-]+%] Welcome back') ~= nil end, 20)
  check('the tag action tagged the turn', tagged, line(bufnr, welcome))

  -- The server's own picker (a client that is not VS Code): a message with choices, then an edit.
  local second = find_line(bufnr, '^Therapist: Thank you for sharing')
  vim.lsp.handlers['window/showMessageRequest'] = function(_, params)
    for _, action in ipairs(params.actions) do
      if action.title:find('[cbt:agenda-setting]', 1, true) then return action end
    end
    return vim.NIL
  end
  vim.api.nvim_win_set_cursor(0, { second + 1, 20 })
  choose('with a technique from the codebook')
  vim.lsp.buf.code_action()
  local picked = vim.wait(BOUND, function() return line(bufnr, second):find('^Therapist: %[cbt:agenda%-setting%] Thank you') ~= nil end, 20)
  check('the picker tagged the turn', picked, line(bufnr, second))

  -- Completion after "[cbt:" as a completion plugin applies it: the item's textEdit.
  local third = find_line(bufnr, '^Therapist: Thank you for sharing your thoughts')
  local text = line(bufnr, third)
  local at = #'Therapist: '
  vim.api.nvim_buf_set_text(bufnr, third, at, third, at, { '[cbt:' })
  vim.api.nvim_win_set_cursor(0, { third + 1, at + 5 })
  local params = vim.lsp.util.make_position_params()
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, BOUND)
  local item
  for _, response in pairs(responses or {}) do
    for _, candidate in ipairs((response.result or {}).items or response.result or {}) do
      if candidate.label == 'socratic-questioning' then item = candidate end
    end
  end
  check('completion lists the codebook', item ~= nil, vim.inspect(responses and vim.tbl_count(responses)))
  if item then
    vim.lsp.util.apply_text_edits({ item.textEdit }, bufnr, 'utf-16')
    check('the completion inserted the tag', line(bufnr, third) == 'Therapist: [cbt:socratic-questioning] ' .. text:sub(at + 1), line(bufnr, third))
    check('plain documentation or Markdown, as declared', item.documentation ~= nil and item.documentation.kind == 'markdown', vim.inspect(item.documentation))
  end

  -- Editing .transcriptrc.json on disk applies at once (the server watches it: Neovim 0.7 cannot).
  local rc = assert(io.open(vim.fn.fnamemodify(file, ':p:h') .. '/.transcriptrc.json', 'w'))
  rc:write('{ "rules": { "repeated-turn": "off" } }')
  rc:close()
  local off = vim.wait(BOUND, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if code_of(d) == 'repeated-turn' then return false end
    end
    return #vim.diagnostic.get(bufnr) > 0
  end, 20)
  check('a .transcriptrc.json edit applies without a restart', off, '')

  -- Workspace symbols with the README's query.
  local symbols = vim.lsp.buf_request_sync(bufnr, 'workspace/symbol', { query = '#agenda' }, BOUND)
  local names = {}
  for _, response in pairs(symbols or {}) do
    for _, s in ipairs(response.result or {}) do table.insert(names, s.name) end
  end
  check('#agenda finds the agenda-setting tags', #names >= 1 and names[1]:find('agenda-setting', 1, true) ~= nil, table.concat(names, ', '))

  results.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  results.log = vim.lsp.get_log_path()
end

local ok, err = xpcall(run, debug.traceback)
if not ok then check('the script ran to the end', false, err) end
finish()
