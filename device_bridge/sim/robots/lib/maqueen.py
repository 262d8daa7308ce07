# maqueen.py - DFRobot Maqueen (Lite) for micro:bit MicroPython (V1 and V2).
# The same file runs on the real robot (tne fs put maqueen.py) and in the tne simulator.
# Guide (in French): teacher_guides/robot_maqueen.md
from machine import time_pulse_us
from microbit import i2c, pin1, pin2, pin8, pin12, pin13, pin14

ADDRESS = 0x10


def _motor(register, speed):
    speed = int(speed)
    if speed > 255:
        speed = 255
    if speed < -255:
        speed = -255
    i2c.write(ADDRESS, bytes([register, 1 if speed < 0 else 0, abs(speed)]))


def motor_run(left, right):
    # Speeds from -255 (full speed back) to 255 (full speed forward).
    _motor(0x00, left)
    _motor(0x02, right)


def motor_left(speed):
    _motor(0x00, speed)


def motor_right(speed):
    _motor(0x02, speed)


def motor_stop():
    motor_run(0, 0)


def distance():
    # Centimetres to the obstacle in front (2 to 500; 500 when nothing answers).
    pin1.write_digital(1)
    pin1.write_digital(0)
    width = time_pulse_us(pin2, 1, 29000)
    if width < 0:
        return 500
    return (width + 29) // 58


def line_left():
    # 0 over the black line, 1 over the white mat.
    return pin13.read_digital()


def line_right():
    return pin14.read_digital()


def led_left(on):
    pin8.write_digital(1 if on else 0)


def led_right(on):
    pin12.write_digital(1 if on else 0)


def servo(number, angle):
    # number 1 or 2 (S1, S2), angle from 0 to 180 degrees.
    i2c.write(ADDRESS, bytes([0x14 if number == 1 else 0x15, max(0, min(180, int(angle)))]))


def version():
    i2c.write(ADDRESS, b"\x32")
    length = i2c.read(ADDRESS, 1)[0]
    i2c.write(ADDRESS, b"\x33")
    return str(i2c.read(ADDRESS, length), "utf-8")
