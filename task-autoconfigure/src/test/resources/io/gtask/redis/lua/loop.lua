-- #include loop.lua
return 1
