--- documentation
--- more
-- #include lib/add.lua
return add(1, 2)
