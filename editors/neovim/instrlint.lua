-- instrlint's language server for Go buffers, in Neovim's built-in client.
-- Put this file in your runtime path (e.g. ~/.config/nvim/plugin/instrlint.lua)
-- or paste it into init.lua. `instrlint` must be on $PATH (or set `cmd`).
--
-- Neovim 0.8 and later: vim.lsp.start, which reuses one client per root.
-- Neovim 0.7 (Debian 12): vim.lsp.start_client once, then attach each buffer.
local config = {
  name = "instrlint",
  cmd = { "instrlint", "server" },
}

local client_id -- Neovim 0.7 only

vim.api.nvim_create_autocmd("FileType", {
  pattern = "go",
  callback = function(args)
    -- Any directory will do: instrlint finds instrlint.toml from each file.
    local root = vim.fn.getcwd()
    if vim.lsp.start then
      vim.lsp.start(vim.tbl_extend("force", config, { root_dir = root }), { bufnr = args.buf })
    else
      client_id = client_id or vim.lsp.start_client(vim.tbl_extend("force", config, { root_dir = root }))
      vim.lsp.buf_attach_client(args.buf, client_id)
    end
  end,
})
