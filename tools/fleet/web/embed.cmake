# The dispatchers' page into the program: each file of FILES (in SRC) as a
# C array fleet_web_<name> and its length. Run by the build (CMakeLists.txt):
#   cmake -DSRC=dir -DOUT=file.c -DFILES=index.html,app.js -P embed.cmake
string(REPLACE "," ";" FILES "${FILES}")
set(text "// Made by tools/fleet/web/embed.cmake from tools/fleet/web: edit those.\n")
string(APPEND text "#include <stddef.h>\n")
foreach(name IN LISTS FILES)
  file(READ "${SRC}/${name}" hex HEX)
  string(LENGTH "${hex}" digits)
  math(EXPR bytes "${digits} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," array "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n"
         array "${array}")
  string(MAKE_C_IDENTIFIER "fleet_web_${name}" id)
  string(APPEND text "extern const unsigned char ${id}[];\nextern const size_t ${id}_len;\n")
  string(APPEND text "const unsigned char ${id}[] = {\n${array}0};\n")
  string(APPEND text "const size_t ${id}_len = ${bytes};\n")
endforeach()
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
