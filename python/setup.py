# Builds the native core for `pip install ./python`: configures the whole repository with CMake, builds the
# extension and the reference server, and copies them (plus the generated stubs) into the package.
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        gen = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.check_call(["cmake", "-S", str(REPO), "-B", str(build), *gen, "-DCMAKE_BUILD_TYPE=Release",
                               f"-DPython_EXECUTABLE={sys.executable}", f"-DPython3_EXECUTABLE={sys.executable}"])
        subprocess.check_call(["cmake", "--build", str(build), "--target", "smbconform_python", "smbconform-server",
                               "-j", str(os.cpu_count() or 2)])
        built = build / "python" / "smbconform"
        dest = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve()
        dest.parent.mkdir(parents=True, exist_ok=True)
        core = next(built.glob("_core*.so"))
        shutil.copy2(core, dest)
        for stub in built.glob("*.pyi"):
            shutil.copy2(stub, dest.parent / stub.name)
        (dest.parent / "bin").mkdir(exist_ok=True)
        shutil.copy2(build / "bin" / "smbconform-server", dest.parent / "bin" / "smbconform-server")


setup(ext_modules=[Extension("smbconform._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
