-- Driven by scripts/test-neovim.sh: the documented set-up
-- (editors/neovim/instrlint.lua, unchanged; `instrlint` on $PATH) starts
-- the server for $GO_FILE. This waits for the diagnostics, fixes the
-- counter's name in the buffer (an incremental didChange), waits for the
-- list to empty, stops the client (shutdown, exit) and writes what it saw
-- to $OUT as JSON.
local file = os.getenv("GO_FILE")
local out = os.getenv("OUT")
local report = { nvim = vim.version(), steps = {} }

local function plain(diagnostics)
  local list = {}
  for _, d in ipairs(diagnostics) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(list, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, code = d.code or lsp.code,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
      message = d.message,
    })
  end
  return list
end

dofile(os.getenv("SETUP"))
vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
if vim.bo.filetype ~= "go" then
  vim.bo.filetype = "go" -- runs the set-up's FileType autocommand
end

local function wait_for(name, done)
  local ok = vim.wait(30000, done, 20)
  table.insert(report.steps, { name = name, ok = ok, diagnostics = plain(vim.diagnostic.get(buf)) })
  return ok
end

local clients = vim.lsp.get_clients or vim.lsp.get_active_clients
local client
report.attached = vim.wait(10000, function()
  client = clients()[1]
  return client ~= nil
end, 20)

if report.attached and wait_for("opened", function() return #vim.diagnostic.get(buf) > 0 end) then
  -- `"livestream_rooms_joined"` → `"livestream_rooms_joined_total"`.
  local row, line
  for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if text:find("livestream_rooms_joined", 1, true) then row, line = i - 1, text end
  end
  local col = line:find('",', 1, true) - 1
  vim.api.nvim_buf_set_text(buf, row, col, row, col, { "_total" })
  wait_for("fixed", function() return #vim.diagnostic.get(buf) == 0 end)
end
if client then
  vim.lsp.stop_client(client.id)
  report.stopped = vim.wait(10000, function() return client.is_stopped() end, 20)
end
local f = assert(io.open(out, "w"))
f:write(vim.fn.json_encode(report))
f:close()
vim.cmd("qall!")
